// Training a small language model on a token stream: random windows as batches, next-token
// cross-entropy, AdamW (no weight decay on biases and LayerNorm weights), linear warmup then
// cosine decay, gradient clipping, checkpoints and resume through src/nn/train.ts.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { AdamW } from '../optim/adam.js';
import { softmaxCrossEntropy } from '../losses.js';
import { cosineWithWarmup } from '../schedules.js';
import { train, type CheckpointOptions, type StepMetrics, type TrainResult } from '../train.js';
import type { HookedTransformer } from './model.js';

export interface LmTrainOptions {
  model: HookedTransformer;
  /** The training corpus as one stream of token ids. */
  tokens: Int32Array;
  seqLen: number;
  batchSize: number;
  steps: number;
  /** Batches are drawn from this generator (saved in checkpoints). */
  rng: Rng;
  peakLr?: number;
  warmupSteps?: number;
  minLr?: number;
  weightDecay?: number;
  maxGradNorm?: number;
  checkpoint?: CheckpointOptions;
  onProgress?: (step: number, totalSteps: number, metrics: StepMetrics) => void | Promise<void>;
}

/** Mean next-token cross-entropy of logits [b, p, V] against targets [b, p] (int32). */
export function nextTokenLoss(logits: Tensor, targets: Tensor): tf.Scalar {
  return softmaxCrossEntropy(logits, targets);
}

/** A batch of windows: inputs [b, seqLen] and next-token targets [b, seqLen]. */
export function sampleWindows(tokens: Int32Array, seqLen: number, batchSize: number, rng: Rng): { inputs: Tensor; targets: Tensor } {
  const span = tokens.length - seqLen - 1;
  if (span < 0) throw new Error(`language-model training: the corpus has ${tokens.length} tokens, fewer than seqLen + 1 = ${seqLen + 1}`);
  const inputs = new Int32Array(batchSize * seqLen);
  const targets = new Int32Array(batchSize * seqLen);
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(span + 1);
    inputs.set(tokens.subarray(start, start + seqLen), b * seqLen);
    targets.set(tokens.subarray(start + 1, start + seqLen + 1), b * seqLen);
  }
  return { inputs: tf.tensor2d(inputs, [batchSize, seqLen], 'int32'), targets: tf.tensor2d(targets, [batchSize, seqLen], 'int32') };
}

/** Biases (b_Q, b_in, b_U, ...) and LayerNorm weights get no weight decay. */
export function isNoDecayParam(name: string): boolean {
  return /(^|\.)b_[A-Za-z]+$/.test(name) || /(^|\.)(ln\d|ln_final)\.[wb]$/.test(name);
}

/** Trains (or resumes, given a checkpoint directory) and returns the loss history. */
export async function trainLanguageModel(o: LmTrainOptions): Promise<TrainResult> {
  const { model } = o;
  if (o.seqLen > model.cfg.nCtx) throw new Error(`language-model training: seqLen ${o.seqLen} exceeds the model's n_ctx ${model.cfg.nCtx}`);
  for (let i = 0; i < o.tokens.length; i++) {
    if (o.tokens[i] < 0 || o.tokens[i] >= model.cfg.dVocab) throw new Error(`language-model training: token ${o.tokens[i]} at index ${i} is outside the vocabulary [0, ${model.cfg.dVocab})`);
  }
  const peakLr = o.peakLr ?? 1e-3;
  const warmupSteps = Math.min(o.warmupSteps ?? Math.ceil(o.steps / 10), Math.max(0, o.steps - 1));
  const optimizer = new AdamW(model.namedParameters(), {
    lr: peakLr,
    weightDecay: o.weightDecay ?? 0.1,
    beta2: 0.95,
    groups: [{ match: (name) => isNoDecayParam(name), options: { weightDecay: 0 } }],
  });
  const schedule = cosineWithWarmup({ peakLr, warmupSteps, totalSteps: Math.max(o.steps, warmupSteps + 1), minLr: o.minLr ?? peakLr / 10 });
  return train({
    model,
    optimizer,
    totalSteps: o.steps,
    schedule,
    rng: o.rng,
    sampleBatch: (rng) => sampleWindows(o.tokens, o.seqLen, o.batchSize, rng),
    loss: (batch) => nextTokenLoss(model.forward(batch.inputs), batch.targets),
    maxGradNorm: o.maxGradNorm ?? 1,
    checkpoint: o.checkpoint,
    onProgress: o.onProgress,
  });
}

/** Mean next-token loss over consecutive windows of a held-out stream (no gradients), 16 windows per batch. */
export function evaluateLoss(model: HookedTransformer, tokens: Int32Array, seqLen: number, maxWindows = 64): number {
  const windows = Math.min(maxWindows, Math.floor((tokens.length - 1) / seqLen));
  if (windows < 1) throw new Error(`evaluateLoss: need at least ${seqLen + 1} tokens, got ${tokens.length}`);
  let total = 0;
  for (let first = 0; first < windows; first += 16) {
    const n = Math.min(16, windows - first);
    const inputs = new Int32Array(n * seqLen);
    const targets = new Int32Array(n * seqLen);
    for (let w = 0; w < n; w++) {
      const start = (first + w) * seqLen;
      inputs.set(tokens.subarray(start, start + seqLen), w * seqLen);
      targets.set(tokens.subarray(start + 1, start + seqLen + 1), w * seqLen);
    }
    total += n * tf.tidy(() => nextTokenLoss(model.forward(tf.tensor2d(inputs, [n, seqLen], 'int32')), tf.tensor2d(targets, [n, seqLen], 'int32')).dataSync()[0]);
  }
  return total / windows;
}
