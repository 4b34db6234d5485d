// Winograd F(2x2, 3x3) forward convolution (3x3, stride 1, 'same' padding, NHWC).
#pragma once
#include <cstdint>

namespace gb {

/** True when winograd_conv3x3 computes this convolution (and is worth using). */
bool winograd_applies(int64_t N, int64_t KH, int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t PT, int64_t PL,
                      int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t C, int64_t O);

/**
 * y [N, H, W, O] = act(conv(x [N, H, W, C], f [3, 3, C, O]) + bias), stride 1, one pixel of zero
 * padding; bias (O values) may be null, act is an activation.h code.
 */
void winograd_conv3x3(const float* x, const float* f, float* y, int64_t N, int64_t H, int64_t W, int64_t C, int64_t O,
                      const float* bias, int act, float alpha);

}  // namespace gb
