# The native compute addon: tfjs kernels in C++ (see src/engine/native/).
# Built by scripts/build-native.mjs, which sets use_openblas=1 when OpenBLAS links.
# Portable code: plain -O3 (no -march=native); AVX2/FMA paths are chosen at run time.
{
  "variables": { "use_openblas%": "0" },
  "targets": [
    {
      "target_name": "glassbox_native",
      "sources": [
        "src/addon.cc",
        "src/thread_pool.cc",
        "src/gemm_builtin.cc",
        "src/gemm.cc",
        "src/matmul.cc",
        "src/batch_matmul_small.cc",
        "src/binary.cc",
        "src/unary.cc",
        "src/reduce.cc",
        "src/transpose.cc",
        "src/softmax.cc",
        "src/copy.cc",
        "src/gather.cc",
        "src/conv.cc",
        "src/winograd.cc",
        "src/optim.cc",
        "src/pool.cc",
        "src/norm.cc",
        "src/go_net.cc",
        "src/go_winograd.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # -fno-trapping-math/-fno-math-errno change no results; they let branch-free math vectorise.
      "cflags": ["-O3", "-fexceptions", "-fno-trapping-math", "-fno-math-errno"],
      "cflags_cc": ["-O3", "-fexceptions", "-std=c++17", "-fno-trapping-math", "-fno-math-errno"],
      "conditions": [
        ["use_openblas==1", {
          "defines": ["GLASSBOX_OPENBLAS"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
