// Losses shared by the training code.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';

/**
 * Mean cross-entropy between logits [..., k] and integer labels [...] (one label per row of k
 * logits). Picks the labels' log-probabilities with a one-hot product (tf.gather's gradient is
 * very slow on the cpu backend).
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[logits.shape.length - 1];
    const n = labels.size;
    if (logits.size !== n * k) throw new Error(`softmaxCrossEntropy: logits [${logits.shape}] do not hold ${k} logits for each of the ${n} labels [${labels.shape}]`);
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [n]), 'int32') as tf.Tensor1D, k);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.reshape(logits, [n, k]))), -1))) as tf.Scalar;
  });
}
