// Weight transformations that leave a model's outputs unchanged (as TransformerLens offers):
// - foldLn: fold each LayerNorm's scale and shift into the weights that read its output, and
//   centre those reading weights (the normalised input has zero mean over d_model). The norms
//   become 'LNPre' (normalisation without weights).
// - centerWritingWeights: remove the d_model mean from every weight that writes to the residual
//   stream (W_E, W_pos, W_O, b_O, W_out, b_out); every reader normalises the mean away anyway.
// - centerUnembed: remove the vocabulary mean from W_U and b_U; logits move by a per-position
//   constant, so softmax outputs are unchanged.
// A tied unembedding is untied first (W_U = W_E^T) when any of these changes it.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type { TransformerConfig } from './config.js';

export interface ProcessWeightsOptions {
  foldLn?: boolean;
  centerWritingWeights?: boolean;
  centerUnembed?: boolean;
}

/**
 * Returns the transformed configuration and state dict (TransformerLens names). The input
 * tensors are not disposed; the output holds new tensors where something changed and the input
 * tensors elsewhere.
 */
export function processWeights(
  cfg: TransformerConfig,
  state: Record<string, Tensor>,
  options: ProcessWeightsOptions,
): { cfg: TransformerConfig; state: Record<string, Tensor> } {
  const { foldLn = false, centerWritingWeights = false, centerUnembed = false } = options;
  const out: Record<string, Tensor> = { ...state };
  const c: TransformerConfig = { ...cfg };
  const get = (n: string) => {
    const t = out[n];
    if (!t) throw new Error(`processWeights: state dict has no ${n}`);
    return t;
  };
  if (foldLn && c.normalizationType !== 'LN') throw new Error(`processWeights: foldLn needs normalizationType "LN", the model has ${JSON.stringify(c.normalizationType)}`);
  if (centerWritingWeights && c.normalizationType === null) {
    throw new Error('processWeights: centerWritingWeights needs a LayerNorm before every reader of the residual stream (normalizationType "LN" or "LNPre")');
  }
  if (c.tiedEmbeddings && (foldLn || centerWritingWeights || centerUnembed)) {
    out['unembed.W_U'] = tf.transpose(get('embed.W_E'));
    c.tiedEmbeddings = false;
  }
  if (foldLn && !c.unembedBias) {
    out['unembed.b_U'] = tf.zeros([c.dVocab]);
    c.unembedBias = true;
  }
  const centerRows = (t: Tensor, axis: number) => tf.sub(t, tf.mean(t, axis, true));

  if (foldLn) {
    // A reader W [.., d_model, out] of LN(x) = n * w + b becomes w[:, None] * W with bias + b @ W.
    const fold = (lnPrefix: string, weight: string, bias: string, perHead: boolean) => {
      const w = get(`${lnPrefix}.w`);
      const b = get(`${lnPrefix}.b`);
      const W = get(weight);
      const B = get(bias);
      if (perHead) {
        // W [h, d, e], B [h, e]
        out[bias] = tf.add(B, tf.sum(tf.mul(tf.reshape(b, [1, -1, 1]), W), 1));
        out[weight] = centerRows(tf.mul(tf.reshape(w, [1, -1, 1]), W), 1);
      } else {
        // W [d, out], B [out]
        out[bias] = tf.add(B, tf.squeeze(tf.matMul(tf.reshape(b, [1, -1]), W), [0]));
        out[weight] = centerRows(tf.mul(tf.reshape(w, [-1, 1]), W), 0);
      }
    };
    for (let L = 0; L < c.nLayers; L++) {
      for (const x of ['Q', 'K', 'V']) fold(`blocks.${L}.ln1`, `blocks.${L}.attn.W_${x}`, `blocks.${L}.attn.b_${x}`, true);
      if (!c.attnOnly) fold(`blocks.${L}.ln2`, `blocks.${L}.mlp.W_in`, `blocks.${L}.mlp.b_in`, false);
      for (const ln of c.attnOnly ? ['ln1'] : ['ln1', 'ln2']) {
        delete out[`blocks.${L}.${ln}.w`];
        delete out[`blocks.${L}.${ln}.b`];
      }
    }
    fold('ln_final', 'unembed.W_U', 'unembed.b_U', false);
    delete out['ln_final.w'];
    delete out['ln_final.b'];
    c.normalizationType = 'LNPre';
  }

  if (centerWritingWeights) {
    out['embed.W_E'] = centerRows(get('embed.W_E'), -1);
    if (c.positionalEmbeddingType === 'standard') out['pos_embed.W_pos'] = centerRows(get('pos_embed.W_pos'), -1);
    for (let L = 0; L < c.nLayers; L++) {
      out[`blocks.${L}.attn.W_O`] = centerRows(get(`blocks.${L}.attn.W_O`), -1);
      out[`blocks.${L}.attn.b_O`] = centerRows(get(`blocks.${L}.attn.b_O`), -1);
      if (!c.attnOnly) {
        out[`blocks.${L}.mlp.W_out`] = centerRows(get(`blocks.${L}.mlp.W_out`), -1);
        out[`blocks.${L}.mlp.b_out`] = centerRows(get(`blocks.${L}.mlp.b_out`), -1);
      }
    }
  }

  if (centerUnembed) {
    out['unembed.W_U'] = centerRows(get('unembed.W_U'), -1);
    if (c.unembedBias) out['unembed.b_U'] = centerRows(get('unembed.b_U'), -1);
  }
  return { cfg: c, state: out };
}
