// Function multi-versioning for loops the compiler vectorises: each marked function is built for
// x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) and the baseline, and the loader picks the best the CPU
// supports. The ISA-level clones are dispatched on CPU features; "arch=haswell"-style clones are not
// (GCC picks those only on CPUs that identify as that Intel family, so AMD ran the baseline build).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GB_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GB_SIMD_CLONES
#endif
