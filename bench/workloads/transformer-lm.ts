// Benchmark (e): forward and backward of a whole language model, glassbox's HookedTransformer
// (src/nn/transformer: GPT-2 style, pre-LayerNorm, learned positions, tanh GELU, causal
// attention, final LayerNorm, untied unembedding with bias), next-token cross-entropy on fixed
// random tokens; gradients of every parameter, no optimizer step.
import { tf } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { disposeGrads, lossAndGrads, type NamedGrads } from '../../src/nn/index.js';
import { HookedTransformer, nextTokenLoss } from '../../src/nn/transformer/index.js';
import { exportAll, type Workload } from './workload.js';

export interface LmShape {
  batch: number;
  /** Sequence length, also the model's n_ctx. */
  seq: number;
  layers: number;
  dModel: number;
  heads: number;
  dMlp: number;
  vocab: number;
  /** Standard deviation of the initial weight matrices. */
  initStd: number;
}

export const LM_FULL: LmShape = { batch: 16, seq: 128, layers: 4, dModel: 256, heads: 4, dMlp: 1024, vocab: 512, initStd: 0.02 };
/** Large weights, so differences in GELU, attention, LayerNorm or the loss show in the peer check. */
export const LM_TINY: LmShape = { batch: 2, seq: 5, layers: 2, dModel: 8, heads: 2, dMlp: 16, vocab: 11, initStd: 0.5 };

export function buildLmFwdBwd(shape: LmShape, seed = 5): Workload {
  const rng = new Rng(seed);
  const model = new HookedTransformer({
    nLayers: shape.layers, dModel: shape.dModel, nHeads: shape.heads, dMlp: shape.dMlp, dVocab: shape.vocab, nCtx: shape.seq,
    actFn: 'gelu_new', initStd: shape.initStd, tiedEmbeddings: false, unembedBias: true,
  }, { rng: rng.fork('init') });
  const params = model.namedParameters();
  const data = rng.fork('tokens');
  // a stream of seq + 1 tokens per row: the inputs are its first seq, the targets its last seq
  const ids = Int32Array.from({ length: shape.batch * (shape.seq + 1) }, () => data.int(shape.vocab));
  const stream = tf.tensor2d(ids, [shape.batch, shape.seq + 1], 'int32');
  const inputs = tf.slice(stream, [0, 0], [shape.batch, shape.seq]);
  const targets = tf.slice(stream, [0, 1], [shape.batch, shape.seq]);
  stream.dispose();
  const loss = (): tf.Scalar => nextTokenLoss(model.forward(inputs), targets);

  /** The loss and the gradients of every parameter; `onGrads` sees the gradients before they are freed. */
  const forwardBackward = (onGrads?: (grads: NamedGrads) => void): number => {
    const { loss: value, grads } = lossAndGrads(params, loss);
    onGrads?.(grads);
    const l = value.dataSync()[0];
    value.dispose();
    disposeGrads(grads);
    return l;
  };

  return {
    run: () => void forwardBackward(),
    exportState: () => ({ params: exportAll(model.stateDict()), inputs: exportAll({ inputs, targets }) }),
    // `nll`, not `loss`: one value, as there is no optimizer step between runs
    reference: () => {
      const grads: number[] = [];
      const nll = forwardBackward((g) => {
        for (const [name] of params) for (const v of g[name].dataSync()) grads.push(v);
      });
      return { nll: [nll], grads };
    },
    dispose: () => {
      model.dispose();
      tf.dispose([inputs, targets]);
    },
  };
}
