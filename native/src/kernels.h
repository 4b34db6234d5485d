// The addon's exported functions, one group per source file. Layout and argument conventions
// are documented beside each definition.
#pragma once
#include <napi.h>

namespace gb {

Napi::Value BatchMatMul(const Napi::CallbackInfo& info);  // matmul.cc

}  // namespace gb
