// Broadcasting elementwise binary ops (tfjs Add, Sub, Multiply, RealDiv, Maximum, Minimum,
// SquaredDifference, Pow), comparisons (Greater, GreaterEqual, Less, LessEqual, Equal,
// NotEqual; output bytes 0/1), AddN and Select. Layouts: row-major; a and b are broadcast to
// the output shape numpy-style (shapes right-aligned, size-1 dims repeat).
#include <cmath>
#include <cstring>
#include <limits>

#include "args.h"
#include "kernels.h"
#include "shape.h"
#include "thread_pool.h"

namespace gb {
namespace {

enum BinaryOp { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kSquaredDiff, kPow, kBinaryOpCount };
enum CompareOp { kGreater = 0, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual, kCompareOpCount };

constexpr size_t kParallelElems = 1 << 15;  // below this, threads cost more than they save

struct Add { float operator()(float a, float b) const { return a + b; } };
struct Sub { float operator()(float a, float b) const { return a - b; } };
struct Mul { float operator()(float a, float b) const { return a * b; } };
struct Div { float operator()(float a, float b) const { return a / b; } };
// NaN in either operand gives NaN, as Math.max/min do.
struct Max { float operator()(float a, float b) const { return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : (a > b ? a : b); } };
struct Min { float operator()(float a, float b) const { return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : (a < b ? a : b); } };
struct SqDiff { float operator()(float a, float b) const { return (a - b) * (a - b); } };
struct Pow { float operator()(float a, float b) const { return std::pow(a, b); } };
// x^e for the constant exponents models use (GELU's x^3, squares, roots), without pow().
struct Square { float operator()(float a, float) const { return a * a; } };
struct Cube { float operator()(float a, float) const { return a * a * a; } };
struct Sqrt { float operator()(float a, float) const { return std::sqrt(a); } };
struct Recip { float operator()(float a, float) const { return 1.f / a; } };
struct First { float operator()(float a, float) const { return a; } };
struct Greater { uint8_t operator()(float a, float b) const { return a > b; } };
struct GreaterEqual { uint8_t operator()(float a, float b) const { return a >= b; } };
struct Less { uint8_t operator()(float a, float b) const { return a < b; } };
struct LessEqual { uint8_t operator()(float a, float b) const { return a <= b; } };
struct Equal { uint8_t operator()(float a, float b) const { return a == b; } };
struct NotEqual { uint8_t operator()(float a, float b) const { return a != b; } };

// Output shape of rank r with per-operand strides (0 where broadcast), after merging dims
// that are contiguous for both operands and dropping size-1 dims.
struct Broadcast {
  Dims shape, sa, sb;
};

Broadcast plan(const Dims& as, const Dims& bs, const Dims& os) {
  const size_t r = os.size();
  Dims a(r, 1), b(r, 1);
  for (size_t i = 0; i < as.size(); ++i) a[r - as.size() + i] = as[i];
  for (size_t i = 0; i < bs.size(); ++i) b[r - bs.size() + i] = bs[i];
  Dims ca = strides_of(a), cb = strides_of(b);
  Broadcast p;
  for (size_t d = 0; d < r; ++d) {
    if (os[d] == 1) continue;
    const int64_t sa = a[d] == 1 ? 0 : ca[d], sb = b[d] == 1 ? 0 : cb[d];
    if (!p.shape.empty()) {
      const size_t l = p.shape.size() - 1;
      const bool a_ok = (p.sa[l] == 0 && sa == 0) || (p.sa[l] != 0 && sa != 0 && p.sa[l] == sa * os[d]);
      const bool b_ok = (p.sb[l] == 0 && sb == 0) || (p.sb[l] != 0 && sb != 0 && p.sb[l] == sb * os[d]);
      if (a_ok && b_ok) {
        p.shape[l] *= os[d];
        p.sa[l] = sa;
        p.sb[l] = sb;
        continue;
      }
    }
    p.shape.push_back(os[d]);
    p.sa.push_back(sa);
    p.sb.push_back(sb);
  }
  if (p.shape.empty()) p = Broadcast{{1}, {0}, {0}};
  return p;
}

// One inner row: n outputs with operand strides 0 or 1 (specialised so loops vectorise).
template <class F, class T>
inline void row(F f, const float* a, int64_t sa, const float* b, int64_t sb, T* o, int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = a[0];
    for (int64_t i = 0; i < n; ++i) o[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i * sa], b[i * sb]);
  }
}

template <class F, class T>
void run(F f, const float* a, const float* b, T* out, const Broadcast& p) {
  const int64_t r = static_cast<int64_t>(p.shape.size());
  const int64_t inner = p.shape[r - 1];
  const int64_t isa = p.sa[r - 1], isb = p.sb[r - 1];
  const int64_t rows = product(p.shape) / inner;
  if (rows == 1) {
    // One long row: split it.
    parallel_for(static_cast<size_t>(inner), kParallelElems, [&](size_t lo, size_t hi) {
      row(f, a + isa * static_cast<int64_t>(lo), isa, b + isb * static_cast<int64_t>(lo), isb, out + lo, static_cast<int64_t>(hi - lo));
    });
    return;
  }
  const size_t grain = static_cast<size_t>(std::max<int64_t>(1, static_cast<int64_t>(kParallelElems) / inner));
  parallel_for(static_cast<size_t>(rows), grain, [&](size_t lo, size_t hi) {
    Dims idx(static_cast<size_t>(r - 1));
    const Dims* strides[2] = {&p.sa, &p.sb};
    int64_t offs[2];
    odometer_seek(idx, p.shape, strides, offs, r - 1, static_cast<int64_t>(lo));
    for (size_t i = lo; i < hi; ++i) {
      row(f, a + offs[0], isa, b + offs[1], isb, out + static_cast<int64_t>(i) * inner, inner);
      odometer_step(idx, p.shape, strides, offs, r - 1);
    }
  });
}

// Checks that a (aShape) and b (bShape) broadcast to outShape with `out_size` elements.
Broadcast checked_plan(const Napi::CallbackInfo& info, const F32& a, const Dims& as, const F32& b, const Dims& bs, size_t out_size, const Dims& os) {
  require(static_cast<int64_t>(a.size) == product(as) && static_cast<int64_t>(b.size) == product(bs), info, "binary: input sizes differ from their shapes");
  require(static_cast<int64_t>(out_size) == product(os), info, "binary: out size differs from outShape");
  require(as.size() <= os.size() && bs.size() <= os.size(), info, "binary: input rank above output rank");
  for (size_t i = 0; i < os.size(); ++i) {
    const int64_t ad = i + as.size() >= os.size() ? as[i + as.size() - os.size()] : 1;
    const int64_t bd = i + bs.size() >= os.size() ? bs[i + bs.size() - os.size()] : 1;
    require((ad == os[i] || ad == 1) && (bd == os[i] || bd == 1), info, "binary: shapes do not broadcast to outShape");
  }
  return plan(as, bs, os);
}

}  // namespace

// binary(op, a, aShape, b, bShape, out, outShape): out = op(broadcast(a), broadcast(b)).
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(int_arg(info, 0, "op", 0, kBinaryOpCount - 1));
  F32 a = f32_arg(info, 1, "a");
  Dims as = dims_arg(info, 2, "aShape");
  F32 b = f32_arg(info, 3, "b");
  Dims bs = dims_arg(info, 4, "bShape");
  F32 out = f32_arg(info, 5, "out");
  Dims os = dims_arg(info, 6, "outShape");
  const Broadcast p = checked_plan(info, a, as, b, bs, out.size, os);
  if (out.size == 0) return info.Env().Undefined();
  switch (op) {
    case kAdd: run(Add{}, a.data, b.data, out.data, p); break;
    case kSub: run(Sub{}, a.data, b.data, out.data, p); break;
    case kMul: run(Mul{}, a.data, b.data, out.data, p); break;
    case kDiv: run(Div{}, a.data, b.data, out.data, p); break;
    case kMax: run(Max{}, a.data, b.data, out.data, p); break;
    case kMin: run(Min{}, a.data, b.data, out.data, p); break;
    case kSquaredDiff: run(SqDiff{}, a.data, b.data, out.data, p); break;
    case kPow:
      if (b.size == 1 && b.data[0] == 2.f) run(Square{}, a.data, b.data, out.data, p);
      else if (b.size == 1 && b.data[0] == 3.f) run(Cube{}, a.data, b.data, out.data, p);
      else if (b.size == 1 && b.data[0] == 0.5f) run(Sqrt{}, a.data, b.data, out.data, p);
      else if (b.size == 1 && b.data[0] == -1.f) run(Recip{}, a.data, b.data, out.data, p);
      else if (b.size == 1 && b.data[0] == 1.f) run(First{}, a.data, b.data, out.data, p);
      else run(Pow{}, a.data, b.data, out.data, p);
      break;
  }
  return info.Env().Undefined();
}

// addN(inputs: Float32Array[], out): out = sum of equally sized inputs.
Napi::Value AddN(const Napi::CallbackInfo& info) {
  require(info.Length() >= 2 && info[0].IsArray(), info, "addN: expects an array of Float32Arrays and an output");
  Napi::Array list = info[0].As<Napi::Array>();
  F32 out = f32_arg(info, 1, "out");
  std::vector<const float*> ins;
  for (uint32_t k = 0; k < list.Length(); ++k) {
    Napi::Value v = list.Get(k);
    require(v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array, info, "addN: inputs must be Float32Arrays");
    Napi::Float32Array arr = v.As<Napi::Float32Array>();
    require(arr.ElementLength() == out.size, info, "addN: inputs must all have the output's size");
    ins.push_back(arr.Data());
  }
  require(!ins.empty(), info, "addN: needs at least one input");
  parallel_for(out.size, kParallelElems, [&](size_t lo, size_t hi) {
    std::memcpy(out.data + lo, ins[0] + lo, (hi - lo) * sizeof(float));
    for (size_t k = 1; k < ins.size(); ++k) {
      const float* x = ins[k];
      for (size_t i = lo; i < hi; ++i) out.data[i] += x[i];
    }
  });
  return info.Env().Undefined();
}


// compare(op, a, aShape, b, bShape, out: Uint8Array, outShape): out = a op b (1 or 0), broadcast.
Napi::Value Compare(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(int_arg(info, 0, "op", 0, kCompareOpCount - 1));
  F32 a = f32_arg(info, 1, "a");
  Dims as = dims_arg(info, 2, "aShape");
  F32 b = f32_arg(info, 3, "b");
  Dims bs = dims_arg(info, 4, "bShape");
  size_t out_size = 0;
  uint8_t* out = u8_arg(info, 5, "out", &out_size);
  Dims os = dims_arg(info, 6, "outShape");
  const Broadcast p = checked_plan(info, a, as, b, bs, out_size, os);
  if (out_size == 0) return info.Env().Undefined();
  switch (op) {
    case kGreater: run(Greater{}, a.data, b.data, out, p); break;
    case kGreaterEqual: run(GreaterEqual{}, a.data, b.data, out, p); break;
    case kLess: run(Less{}, a.data, b.data, out, p); break;
    case kLessEqual: run(LessEqual{}, a.data, b.data, out, p); break;
    case kEqual: run(Equal{}, a.data, b.data, out, p); break;
    case kNotEqual: run(NotEqual{}, a.data, b.data, out, p); break;
  }
  return info.Env().Undefined();
}

// select(condition: Uint8Array, t, e, out): out[i] = condition[i] ? t[i] : e[i] (same sizes).
Napi::Value Select(const Napi::CallbackInfo& info) {
  size_t n = 0;
  const uint8_t* c = u8_arg(info, 0, "condition", &n);
  F32 t = f32_arg(info, 1, "t"), e = f32_arg(info, 2, "e"), out = f32_arg(info, 3, "out");
  require(t.size == n && e.size == n && out.size == n, info, "select: condition, t, e and out sizes differ");
  parallel_for(n, kParallelElems, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) out.data[i] = c[i] ? t.data[i] : e.data[i];
  });
  return info.Env().Undefined();
}

}  // namespace gb
