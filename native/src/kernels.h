// The addon's exported functions, one group per source file. Layout and argument conventions
// are documented beside each definition.
#pragma once
#include <napi.h>

namespace gb {

Napi::Value BatchMatMul(const Napi::CallbackInfo& info);  // matmul.cc
Napi::Value Binary(const Napi::CallbackInfo& info);       // binary.cc
Napi::Value AddN(const Napi::CallbackInfo& info);
Napi::Value Compare(const Napi::CallbackInfo& info);
Napi::Value Select(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);        // unary.cc
Napi::Value Reduce(const Napi::CallbackInfo& info);       // reduce.cc
Napi::Value ArgReduce(const Napi::CallbackInfo& info);
Napi::Value Transpose(const Napi::CallbackInfo& info);    // transpose.cc
Napi::Value Softmax(const Napi::CallbackInfo& info);      // softmax.cc
Napi::Value Slice(const Napi::CallbackInfo& info);        // copy.cc
Napi::Value Tile(const Napi::CallbackInfo& info);
Napi::Value Concat(const Napi::CallbackInfo& info);
Napi::Value Split(const Napi::CallbackInfo& info);
Napi::Value Gather(const Napi::CallbackInfo& info);       // gather.cc
Napi::Value SegmentSum(const Napi::CallbackInfo& info);
Napi::Value Conv2D(const Napi::CallbackInfo& info);       // conv.cc
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info);
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info);
Napi::Value AdamUpdate(const Napi::CallbackInfo& info);  // optim.cc
Napi::Value LayerNorm(const Napi::CallbackInfo& info);   // norm.cc
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info);
Napi::Value Gelu(const Napi::CallbackInfo& info);
Napi::Value GeluGrad(const Napi::CallbackInfo& info);
Napi::Value Pool2DForward(const Napi::CallbackInfo& info);  // pool.cc
Napi::Value Pool2DBackward(const Napi::CallbackInfo& info);
Napi::Value GoNetCreate(const Napi::CallbackInfo& info);  // go_net.cc
Napi::Value GoNetForward(const Napi::CallbackInfo& info);
Napi::Value GoNetForwardAsync(const Napi::CallbackInfo& info);

}  // namespace gb
