// Small layer functions in plain tf ops for the benchmark workloads (the peer script mirrors them).
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor } from '../../src/engine/tfjs.js';

/** x [..., in] @ w [in, out] + b [out]. */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const inner = x.shape[x.rank - 1];
  const out = w.shape[1] as number;
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inner]);
  const y = tf.add(tf.matMul(flat, w), b);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), out]);
}

/** Layer norm over the last axis (biased variance, like torch.nn.LayerNorm). */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const axis = x.rank - 1;
  const centred = tf.sub(x, tf.mean(x, axis, true));
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** GELU, tanh approximation (GPT-2's; torch's approximate='tanh'). */
export function gelu(x: Tensor): Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** [seq, seq] additive mask: 0 where a position may attend (key <= query), -1e9 elsewhere. */
export function causalMask(seq: number): Tensor {
  const data = new Float32Array(seq * seq);
  for (let q = 0; q < seq; q++) for (let k = q + 1; k < seq; k++) data[q * seq + k] = -1e9;
  return tf.tensor2d(data, [seq, seq]);
}
