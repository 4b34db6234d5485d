// Argument checking for the addon's exported functions. Every size that reaches a kernel is
// validated here against the real length of the typed arrays it indexes.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

// A Float32Array argument viewed as a pointer and element count (no copy).
struct F32 {
  float* data;
  size_t size;
};

inline Napi::Error arg_error(const Napi::CallbackInfo& info, size_t i, const char* name, const char* what) {
  return Napi::TypeError::New(info.Env(), std::string("glassbox native: argument ") + std::to_string(i) + " (" + name + ") " + what);
}

inline F32 f32_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw arg_error(info, i, name, "must be a Float32Array");
  }
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  return F32{a.Data(), a.ElementLength()};
}

inline bool is_null(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsNull() || info[i].IsUndefined();
}

inline const int32_t* i32_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t* size) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw arg_error(info, i, name, "must be an Int32Array");
  }
  Napi::Int32Array a = info[i].As<Napi::Int32Array>();
  *size = a.ElementLength();
  return a.Data();
}

inline uint8_t* u8_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t* size) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw arg_error(info, i, name, "must be a Uint8Array");
  }
  Napi::Uint8Array a = info[i].As<Napi::Uint8Array>();
  *size = a.ElementLength();
  return a.Data();
}

inline int32_t* i32_out_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t* size) {
  return const_cast<int32_t*>(i32_arg(info, i, name, size));
}

inline int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo = 0, int64_t hi = INT64_MAX) {
  if (i >= info.Length() || !info[i].IsNumber()) throw arg_error(info, i, name, "must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int64_t>(d)) || d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    throw arg_error(info, i, name, "must be an integer in range");
  }
  return static_cast<int64_t>(d);
}

inline double num_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) throw arg_error(info, i, name, "must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

inline bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsBoolean()) throw arg_error(info, i, name, "must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

// A JS array of non-negative integers (a shape, axes or a permutation).
inline std::vector<int64_t> dims_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsArray()) throw arg_error(info, i, name, "must be an array of integers");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    Napi::Value v = a.Get(k);
    if (!v.IsNumber()) throw arg_error(info, i, name, "must be an array of integers");
    double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d))) throw arg_error(info, i, name, "must hold non-negative integers");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

inline int64_t product(const std::vector<int64_t>& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

inline void require(bool ok, const Napi::CallbackInfo& info, const std::string& what) {
  if (!ok) throw Napi::RangeError::New(info.Env(), "glassbox native: " + what);
}

}  // namespace gb
