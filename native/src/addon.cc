// Module entry: exports the kernels and a description of the build (BLAS library, threads).
#include <napi.h>

#include <utility>

#include "args.h"
#include "gemm.h"
#include "kernels.h"
#include "thread_pool.h"

namespace gb {
namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("blas", blas_name());
  o.Set("threads", num_threads());
#ifdef GLASSBOX_OPENBLAS
  o.Set("openblasLinked", true);
#else
  o.Set("openblasLinked", false);
#endif
  return o;
}

// selectBlas("openblas" | "builtin" | "builtin-avx512" | "builtin-avx2" | "builtin-generic"):
// switches the sgemm at run time (benchmarks and tests); returns the name now in use.
Napi::Value SelectBlas(const Napi::CallbackInfo& info) {
  const char* usage = "selectBlas expects openblas, builtin, builtin-avx512, builtin-avx2 or builtin-generic";
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), usage);
  const std::string which = info[0].As<Napi::String>();
  if (which == "openblas") {
    blas_select(true);
  } else if (which == "builtin") {
    blas_select(false);
    builtin_select_isa("best");
  } else if (which.rfind("builtin-", 0) == 0 && builtin_select_isa(which.substr(8))) {
    blas_select(false);
  } else {
    throw Napi::TypeError::New(info.Env(), usage);
  }
  return Napi::String::New(info.Env(), blas_name());
}

}  // namespace
}  // namespace gb

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace gb;
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("selectBlas", Napi::Function::New(env, SelectBlas));
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> kernels[] = {
      {"batchMatMul", BatchMatMul}, {"binary", Binary}, {"addN", AddN}, {"compare", Compare}, {"select", Select}, {"argReduce", ArgReduce}, {"unary", Unary},
      {"reduce", Reduce}, {"transpose", Transpose}, {"softmax", Softmax}, {"slice", Slice}, {"tile", Tile},
      {"concat", Concat}, {"split", Split}, {"gather", Gather}, {"segmentSum", SegmentSum},
      {"conv2d", Conv2D}, {"conv2dBackpropInput", Conv2DBackpropInput},
      {"conv2dBackpropFilter", Conv2DBackpropFilter}, {"adamUpdate", AdamUpdate},
      {"layerNorm", LayerNorm}, {"layerNormGrad", LayerNormGrad}, {"gelu", Gelu}, {"geluGrad", GeluGrad},
      {"pool2d", Pool2DForward}, {"pool2dGrad", Pool2DBackward},
      {"goNetCreate", GoNetCreate}, {"goNetForward", GoNetForward}, {"goNetForwardAsync", GoNetForwardAsync},
  };
  for (const auto& [name, fn] : kernels) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

NODE_API_MODULE(glassbox_native, Init)
