// A KataGo network forward pass in one native call (src/go/katago/native-program.ts builds the
// program). The network is a short program over "slots": spatial slots hold [N, H, W, C] (NHWC)
// and vector slots [N, C]; slot 0 is the spatial input and slot 1 the global input. Ops:
//   conv     out (=|+=) act(conv(in) + bias[c] + vec[n, c])   (KHxKW 'same', stride 1)
//   normAct  out = act(in * scale[c] + bias[c])
//   pool     out = KataGo's global pooling of in: [mean, mean*(sqrt(HW)-14)/10, max] or, for the
//            value head, [mean, mean*(sqrt(HW)-14)/10, mean*((sqrt(HW)-14)^2/100 - 0.1)]
//   matmul   out (=|+=) act(in @ W + bias)
// Batch norms are folded into the convolutions by the caller. 3x3 convolutions use Winograd
// F(4x4, 3x3) (go_winograd.cc; 36 products of [tiles x Cin] x [Cin x Cout], 2.25 multiplies per
// output against 9), with filters transformed once when the network is created; a wide kernel on a
// sparse input (the input features) scatters its nonzeros; other kernels use im2col + sgemm.
// The whole board is the tensor (no padding mask). A pass runs either on the calling thread with
// the addon's pool (goNetForward) or single-threaded on a libuv worker (goNetForwardAsync), so
// several passes can run at once; each pass has its own slot buffers, and the results are the same.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "args.h"
#include "gemm.h"
#include "go_winograd.h"
#include "kernels.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

enum GoAct : int { kActIdentity = 0, kActRelu = 1, kActMish = 2, kActSilu = 3 };
enum GoOp : int { kOpConv = 1, kOpNormAct = 2, kOpPool = 3, kOpMatMul = 4 };
constexpr int kOpWords = 12;

inline float activate(float x, int a) { return go_activate(x, a); }

struct Slot {
  int channels;
  bool spatial;
};

// One forward pass's slot contents (a network keeps a few, so passes can run concurrently).
using Buffers = std::vector<std::vector<float>>;

struct ConvOp {
  int in, out, KH, KW, C, O;
  std::vector<float> w;  // [KH, KW, C, O]
  std::vector<float> U;  // Winograd-transformed filter [36, C, O] for 3x3
  std::vector<float> bias;
  int vec, act;
  bool accumulate;
};

struct Op {
  int code;
  int index;  // into convs (conv) or the fields below
  int in, out, C, Cout, act, mode;
  bool accumulate;
  std::vector<float> a, b;  // normAct: scale, bias; matmul: W [C, Cout], bias (may be empty)
};

struct Net {
  std::vector<Slot> slots;
  std::vector<ConvOp> convs;
  std::vector<Op> ops;
  std::vector<int> outputs;
  std::mutex mu;
  std::vector<std::unique_ptr<Buffers>> idle;  // buffers of finished passes, reused

  std::unique_ptr<Buffers> acquire() {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.empty()) return std::make_unique<Buffers>(slots.size());
    std::unique_ptr<Buffers> b = std::move(idle.back());
    idle.pop_back();
    return b;
  }
  void release(std::unique_ptr<Buffers> b) {
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(std::move(b));
  }
};

// The JS handle owns one reference; a pass running on a worker thread holds another.
using NetRef = std::shared_ptr<Net>;
void finalize(Napi::Env, NetRef* net) { delete net; }

// Adds bias / vector bias, applies the activation and writes (or adds) rows [p0, p1) of
// src [pixels, O] into dst; pixel p belongs to image p / HW.
void conv_epilogue(const ConvOp& c, const float* src, float* dst, int64_t p0, int64_t p1, int64_t HW, const float* vec) {
  const float* bias = c.bias.empty() ? nullptr : c.bias.data();
  for (int64_t p = p0; p < p1; ++p) {
    go_epilogue_row(src + (p - p0) * c.O, dst + p * c.O, c.O, bias, vec ? vec + (p / HW) * c.O : nullptr, c.act, c.accumulate);
  }
}

// Adds v * w[0..O) to acc[0..O).
GB_SIMD_CLONES
void axpy_row(float* __restrict__ acc, const float* __restrict__ w, float v, int64_t O) {
  for (int64_t o = 0; o < O; ++o) acc[o] += v * w[o];
}

// A convolution of a mostly-zero input (KataGo's input features: a few binary planes set per
// point) by scattering each nonzero input value through the filter taps it reaches: work in
// proportion to the nonzeros instead of KH*KW*C per output pixel. One image per task.
void conv_sparse_input(const ConvOp& c, const float* x, float* y, int64_t N, int64_t H, int64_t W, const float* vec) {
  const int64_t O = c.O, C = c.C, PT = (c.KH - 1) / 2, PL = (c.KW - 1) / 2;
  go_parallel_for(static_cast<size_t>(N), 1, [&](size_t n0, size_t n1) {
    thread_local std::vector<float> acc;
    for (size_t n = n0; n < n1; ++n) {
      acc.assign(static_cast<size_t>(H * W * O), 0.f);
      for (int64_t h = 0; h < H; ++h) {
        for (int64_t w = 0; w < W; ++w) {
          const float* in = x + ((static_cast<int64_t>(n) * H + h) * W + w) * C;
          for (int64_t ch = 0; ch < C; ++ch) {
            const float v = in[ch];
            if (v == 0.f) continue;
            for (int i = 0; i < c.KH; ++i) {
              const int64_t oh = h + PT - i;
              if (oh < 0 || oh >= H) continue;
              for (int j = 0; j < c.KW; ++j) {
                const int64_t ow = w + PL - j;
                if (ow < 0 || ow >= W) continue;
                axpy_row(acc.data() + (oh * W + ow) * O, c.w.data() + ((i * c.KW + j) * C + ch) * O, v, O);
              }
            }
          }
        }
      }
      const int64_t p0 = static_cast<int64_t>(n) * H * W;
      conv_epilogue(c, acc.data(), y, p0, p0 + H * W, H * W, vec);
    }
  });
}

// Fraction of nonzero values in x (n values).
double density(const float* x, int64_t n) {
  int64_t nz = 0;
  for (int64_t i = 0; i < n; ++i) nz += x[i] != 0.f;
  return n > 0 ? static_cast<double>(nz) / static_cast<double>(n) : 0.0;
}

// im2col + sgemm for any odd square-or-not kernel with 'same' padding (1x1 reads x directly).
void conv_im2col(const ConvOp& c, const float* x, float* y, int64_t N, int64_t H, int64_t W, const float* vec) {
  const int64_t P = N * H * W, taps = static_cast<int64_t>(c.KH) * c.KW * c.C;
  const int64_t threads = num_threads();
  int64_t blocks = std::max<int64_t>(1, (P * taps) >> 17);
  if (P >= 32 * threads) blocks = std::max(blocks, threads);
  blocks = std::min(blocks, P);
  const int64_t PT = (c.KH - 1) / 2, PL = (c.KW - 1) / 2;
  go_parallel_for(static_cast<size_t>(blocks), 1, [&](size_t b0, size_t b1) {
    thread_local std::vector<float> cols, out;
    for (size_t b = b0; b < b1; ++b) {
      const int64_t p0 = P * static_cast<int64_t>(b) / blocks, p1 = P * static_cast<int64_t>(b + 1) / blocks;
      const float* A = x + p0 * c.C;
      if (c.KH != 1 || c.KW != 1) {
        cols.resize(static_cast<size_t>((p1 - p0) * taps));
        for (int64_t p = p0; p < p1; ++p) {
          const int64_t w = p % W, h = (p / W) % H, n = p / (W * H);
          float* row = cols.data() + (p - p0) * taps;
          for (int i = 0; i < c.KH; ++i) {
            const int64_t hh = h - PT + i;
            for (int j = 0; j < c.KW; ++j, row += c.C) {
              const int64_t ww = w - PL + j;
              if (hh < 0 || hh >= H || ww < 0 || ww >= W) std::fill(row, row + c.C, 0.f);
              else std::memcpy(row, x + ((n * H + hh) * W + ww) * c.C, static_cast<size_t>(c.C) * sizeof(float));
            }
          }
        }
        A = cols.data();
      }
      out.resize(static_cast<size_t>((p1 - p0) * c.O));
      sgemm_serial(GemmArgs{false, false, p1 - p0, c.O, taps, A, taps, c.w.data(), c.O, out.data(), c.O});
      conv_epilogue(c, out.data(), y, p0, p1, H * W, vec);
    }
  });
}

void run_conv(const ConvOp& c, Buffers& buf, int64_t N, int64_t H, int64_t W) {
  const float* x = buf[c.in].data();
  float* y = buf[c.out].data();
  const float* vec = c.vec >= 0 ? buf[c.vec].data() : nullptr;
  if (!c.U.empty()) {
    WinogradEpilogue e{c.bias.empty() ? nullptr : c.bias.data(), vec, c.act, c.accumulate};
    go_winograd_f4_conv3x3(x, c.U.data(), y, N, H, W, c.C, c.O, e);
  } else {
    // The scatter wins over im2col + sgemm for a wide kernel on a sparse input (at 19x19, 5x5, 22
    // channels with about 10% nonzero: several times fewer operations).
    const bool wide = c.KH * c.KW >= 9;
    if (wide && density(x, N * H * W * c.C) < 0.2) conv_sparse_input(c, x, y, N, H, W, vec);
    else conv_im2col(c, x, y, N, H, W, vec);
  }
}

GB_SIMD_CLONES
void norm_act_row(const float* __restrict__ x, float* __restrict__ y, const float* __restrict__ scale, const float* __restrict__ bias,
                  int64_t C, int act) {
  if (act == kActRelu) {
    for (int64_t c = 0; c < C; ++c) {
      const float v = x[c] * scale[c] + bias[c];
      y[c] = v > 0.f ? v : 0.f;
    }
  } else {
    for (int64_t c = 0; c < C; ++c) y[c] = activate(x[c] * scale[c] + bias[c], act);
  }
}

void run_norm_act(const Op& op, Buffers& buf, int64_t pixels) {
  const float* x = buf[op.in].data();
  float* y = buf[op.out].data();
  const int64_t C = op.C;
  go_parallel_for(static_cast<size_t>(pixels), 64, [&](size_t p0, size_t p1) {
    for (size_t p = p0; p < p1; ++p) {
      const float* s = x + p * C;
      float* d = y + p * C;
      norm_act_row(s, d, op.a.data(), op.b.data(), C, op.act);
    }
  });
}

void run_pool(const Op& op, Buffers& buf, int64_t N, int64_t HW) {
  const float* x = buf[op.in].data();
  float* y = buf[op.out].data();
  const int64_t C = op.C;
  const float area = static_cast<float>(HW);
  const float s = std::sqrt(area) - 14.f;
  for (int64_t n = 0; n < N; ++n) {
    std::vector<float> sum(static_cast<size_t>(C), 0.f), mx(static_cast<size_t>(C), -INFINITY);
    for (int64_t p = 0; p < HW; ++p) {
      const float* r = x + (n * HW + p) * C;
      for (int64_t c = 0; c < C; ++c) {
        sum[c] += r[c];
        mx[c] = std::max(mx[c], r[c]);
      }
    }
    float* o = y + n * 3 * C;
    for (int64_t c = 0; c < C; ++c) {
      const float mean = sum[c] / area;
      o[c] = mean;
      o[C + c] = mean * (s * 0.1f);
      o[2 * C + c] = op.mode == 0 ? mx[c] : mean * (s * s * 0.01f - 0.1f);
    }
  }
}

void run_matmul(const Op& op, Buffers& buf, int64_t N) {
  const float* x = buf[op.in].data();
  float* y = buf[op.out].data();
  const int64_t C = op.C, O = op.Cout;
  std::vector<float> acc(static_cast<size_t>(O));
  for (int64_t n = 0; n < N; ++n) {
    if (op.b.empty()) std::fill(acc.begin(), acc.end(), 0.f);
    else std::copy(op.b.begin(), op.b.end(), acc.begin());
    for (int64_t c = 0; c < C; ++c) {
      const float xv = x[n * C + c];
      const float* w = op.a.data() + c * O;
      for (int64_t o = 0; o < O; ++o) acc[o] += xv * w[o];
    }
    float* d = y + n * O;
    for (int64_t o = 0; o < O; ++o) {
      const float v = activate(acc[o], op.act);
      d[o] = op.accumulate ? d[o] + v : v;
    }
  }
}

std::vector<float> take(const float* weights, size_t total, int32_t off, int64_t count, const std::string& what) {
  if (off < 0) return {};
  if (count < 0 || static_cast<size_t>(off) + static_cast<size_t>(count) > total) {
    throw std::runtime_error("goNetCreate: " + what + " reads past the end of the weights");
  }
  return std::vector<float>(weights + off, weights + off + count);
}

}  // namespace

// goNetCreate(ops Int32Array [nOps * 12], weights Float32Array, slots Int32Array [channels,
// spatial]*, outputs Int32Array) -> an opaque network. Op words (offsets index `weights`, -1 none):
//   conv    [1, in, out, KH, KW, Cin, Cout, wOff, biasOff, vecSlot, act, accumulate]
//   normAct [2, in, out, C, scaleOff, biasOff, act, 0...]
//   pool    [3, in, out, C, mode (0 gpool, 1 value head), 0...]
//   matmul  [4, in, out, Cin, Cout, wOff, biasOff, act, accumulate, 0...]
// Activations: 0 identity, 1 relu, 2 mish, 3 silu.
Napi::Value GoNetCreate(const Napi::CallbackInfo& info) {
  size_t nOpWords = 0, nSlotWords = 0, nOut = 0;
  const int32_t* words = i32_arg(info, 0, "ops", &nOpWords);
  F32 weights = f32_arg(info, 1, "weights");
  const int32_t* slotWords = i32_arg(info, 2, "slots", &nSlotWords);
  const int32_t* outs = i32_arg(info, 3, "outputs", &nOut);
  require(nOpWords % kOpWords == 0, info, "goNetCreate: ops length must be a multiple of 12");
  require(nSlotWords % 2 == 0 && nSlotWords >= 4, info, "goNetCreate: slots must hold [channels, spatial] pairs, at least the two inputs");
  auto net = std::make_unique<Net>();
  for (size_t i = 0; i < nSlotWords; i += 2) {
    require(slotWords[i] > 0, info, "goNetCreate: slot channels must be positive");
    net->slots.push_back(Slot{slotWords[i], slotWords[i + 1] != 0});
  }
  require(net->slots[0].spatial && !net->slots[1].spatial, info, "goNetCreate: slot 0 must be spatial (input) and slot 1 a vector (global input)");
  const int nSlots = static_cast<int>(net->slots.size());
  auto slot = [&](int s, bool spatial, int channels, const std::string& what) {
    if (s < 0 || s >= nSlots) throw Napi::Error::New(info.Env(), "goNetCreate: " + what + " names slot " + std::to_string(s) + ", which does not exist");
    const Slot& sl = net->slots[s];
    if (sl.spatial != spatial || sl.channels != channels) {
      throw Napi::Error::New(info.Env(), "goNetCreate: " + what + " expects a " + (spatial ? "spatial" : "vector") + " slot of " +
                                             std::to_string(channels) + " channels, slot " + std::to_string(s) + " has " + std::to_string(sl.channels));
    }
  };
  try {
    for (size_t i = 0; i < nOpWords; i += kOpWords) {
      const int32_t* w = words + i;
      const std::string what = "op " + std::to_string(i / kOpWords);
      switch (w[0]) {
        case kOpConv: {
          ConvOp c{w[1], w[2], w[3], w[4], w[5], w[6], {}, {}, {}, w[9], w[10], w[11] != 0};
          if (c.KH <= 0 || c.KW <= 0 || c.KH % 2 == 0 || c.KW % 2 == 0) throw std::runtime_error(what + ": conv kernels must be odd");
          if (c.act < 0 || c.act > kActSilu) throw std::runtime_error(what + ": unknown activation");
          slot(c.in, true, c.C, what + " (conv input)");
          slot(c.out, true, c.O, what + " (conv output)");
          if (c.vec >= 0) slot(c.vec, false, c.O, what + " (conv vector bias)");
          c.w = take(weights.data, weights.size, w[7], static_cast<int64_t>(c.KH) * c.KW * c.C * c.O, what + " filter");
          if (c.w.empty()) throw std::runtime_error(what + ": conv needs a filter");
          c.bias = take(weights.data, weights.size, w[8], c.O, what + " bias");
          if (c.KH == 3 && c.KW == 3 && c.C >= 8 && c.O >= 8) {
            c.U.resize(static_cast<size_t>(36) * c.C * c.O);
            go_winograd_f4_filter(c.w.data(), c.C, c.O, c.U.data());
          }
          net->ops.push_back(Op{kOpConv, static_cast<int>(net->convs.size()), c.in, c.out, c.C, c.O, c.act, 0, c.accumulate, {}, {}});
          net->convs.push_back(std::move(c));
          break;
        }
        case kOpNormAct: {
          slot(w[1], true, w[3], what + " (normAct input)");
          slot(w[2], true, w[3], what + " (normAct output)");
          if (w[6] < 0 || w[6] > kActSilu) throw std::runtime_error(what + ": unknown activation");
          Op op{kOpNormAct, -1, w[1], w[2], w[3], w[3], w[6], 0, false,
                take(weights.data, weights.size, w[4], w[3], what + " scale"), take(weights.data, weights.size, w[5], w[3], what + " bias")};
          if (op.a.empty() || op.b.empty()) throw std::runtime_error(what + ": normAct needs a scale and a bias");
          net->ops.push_back(std::move(op));
          break;
        }
        case kOpPool: {
          slot(w[1], true, w[3], what + " (pool input)");
          slot(w[2], false, 3 * w[3], what + " (pool output)");
          if (w[4] != 0 && w[4] != 1) throw std::runtime_error(what + ": pool mode must be 0 or 1");
          net->ops.push_back(Op{kOpPool, -1, w[1], w[2], w[3], 3 * w[3], 0, w[4], false, {}, {}});
          break;
        }
        case kOpMatMul: {
          slot(w[1], false, w[3], what + " (matmul input)");
          slot(w[2], false, w[4], what + " (matmul output)");
          if (w[7] < 0 || w[7] > kActSilu) throw std::runtime_error(what + ": unknown activation");
          Op op{kOpMatMul, -1, w[1], w[2], w[3], w[4], w[7], 0, w[8] != 0,
                take(weights.data, weights.size, w[5], static_cast<int64_t>(w[3]) * w[4], what + " weights"),
                take(weights.data, weights.size, w[6], w[4], what + " bias")};
          if (op.a.empty()) throw std::runtime_error(what + ": matmul needs weights");
          net->ops.push_back(std::move(op));
          break;
        }
        default:
          throw std::runtime_error(what + ": unknown op code " + std::to_string(w[0]));
      }
    }
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  for (size_t i = 0; i < nOut; ++i) {
    require(outs[i] >= 0 && outs[i] < nSlots, info, "goNetCreate: an output names a slot that does not exist");
    net->outputs.push_back(outs[i]);
  }
  return Napi::External<NetRef>::New(info.Env(), new NetRef(std::move(net)), finalize);
}

namespace {

// Runs the program on `buf` (slots 0 and 1 already hold the inputs).
void run_program(Net& net, Buffers& buf, int64_t N, int64_t H, int64_t W) {
  for (const Op& op : net.ops) {
    switch (op.code) {
      case kOpConv: run_conv(net.convs[op.index], buf, N, H, W); break;
      case kOpNormAct: run_norm_act(op, buf, N * H * W); break;
      case kOpPool: run_pool(op, buf, N, H * W); break;
      case kOpMatMul: run_matmul(op, buf, N); break;
    }
  }
}

size_t slot_size(const Slot& s, int64_t N, int64_t H, int64_t W) {
  return static_cast<size_t>(s.spatial ? N * H * W * s.channels : N * s.channels);
}

// A whole forward pass: inputs copied in, outputs copied out (one vector per output slot).
std::vector<std::vector<float>> forward(Net& net, const float* spatial, const float* global, int64_t N, int64_t H, int64_t W) {
  std::unique_ptr<Buffers> buf = net.acquire();
  for (size_t i = 0; i < net.slots.size(); ++i) {
    const size_t need = slot_size(net.slots[i], N, H, W);
    if ((*buf)[i].size() < need) (*buf)[i].resize(need);
  }
  std::memcpy((*buf)[0].data(), spatial, slot_size(net.slots[0], N, H, W) * sizeof(float));
  std::memcpy((*buf)[1].data(), global, slot_size(net.slots[1], N, H, W) * sizeof(float));
  run_program(net, *buf, N, H, W);
  std::vector<std::vector<float>> outs;
  for (int o : net.outputs) outs.emplace_back((*buf)[o].begin(), (*buf)[o].begin() + static_cast<int64_t>(slot_size(net.slots[o], N, H, W)));
  net.release(std::move(buf));
  return outs;
}

Napi::Array to_js(Napi::Env env, const std::vector<std::vector<float>>& outs) {
  Napi::Array result = Napi::Array::New(env, outs.size());
  for (size_t i = 0; i < outs.size(); ++i) {
    Napi::Float32Array a = Napi::Float32Array::New(env, outs[i].size());
    std::memcpy(a.Data(), outs[i].data(), outs[i].size() * sizeof(float));
    result.Set(static_cast<uint32_t>(i), a);
  }
  return result;
}

struct ForwardArgs {
  NetRef net;
  const float* spatial;
  const float* global;
  int64_t N, H, W;
};

ForwardArgs forward_args(const Napi::CallbackInfo& info, const char* fn) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument 0 must be a network from goNetCreate");
  NetRef net = *info[0].As<Napi::External<NetRef>>().Data();
  F32 spatial = f32_arg(info, 1, "spatial"), global = f32_arg(info, 2, "global");
  const int64_t N = int_arg(info, 3, "N", 1, 1 << 16), H = int_arg(info, 4, "H", 1, 1024), W = int_arg(info, 5, "W", 1, 1024);
  require(static_cast<int64_t>(spatial.size) == N * H * W * net->slots[0].channels, info, std::string(fn) + ": spatial input size differs from N*H*W*channels");
  require(static_cast<int64_t>(global.size) == N * net->slots[1].channels, info, std::string(fn) + ": global input size differs from N*channels");
  return ForwardArgs{net, spatial.data, global.data, N, H, W};
}

// The pass on a libuv worker thread, single-threaded (several such passes run side by side).
class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Env env, const ForwardArgs& a)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), net_(a.net), N_(a.N), H_(a.H), W_(a.W),
        spatial_(a.spatial, a.spatial + a.N * a.H * a.W * a.net->slots[0].channels),
        global_(a.global, a.global + a.N * a.net->slots[1].channels) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    GoSerialScope serial;
    outs_ = forward(*net_, spatial_.data(), global_.data(), N_, H_, W_);
  }
  void OnOK() override { deferred_.Resolve(to_js(Env(), outs_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  NetRef net_;
  int64_t N_, H_, W_;
  std::vector<float> spatial_, global_;
  std::vector<std::vector<float>> outs_;
};

}  // namespace

// goNetForward(net, spatial [N*H*W*C0], global [N*C1], N, H, W) -> one Float32Array per output
// slot, computed on this thread with the addon's thread pool.
Napi::Value GoNetForward(const Napi::CallbackInfo& info) {
  const ForwardArgs a = forward_args(info, "goNetForward");
  return to_js(info.Env(), forward(*a.net, a.spatial, a.global, a.N, a.H, a.W));
}

// goNetForwardAsync(net, spatial, global, N, H, W) -> Promise of the same arrays; the pass runs
// single-threaded on a libuv worker thread, so several can run at once (one per core).
Napi::Value GoNetForwardAsync(const Napi::CallbackInfo& info) {
  const ForwardArgs a = forward_args(info, "goNetForwardAsync");
  auto* worker = new ForwardWorker(info.Env(), a);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

}  // namespace gb
