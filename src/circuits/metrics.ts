// Metrics: (patched logits, full-model logits, prompts) -> one value per prompt, read at the last
// position; aggregation is separate. With several answers per prompt, logit and log-prob metrics
// average over the answers and probability metrics sum them (probability mass).
//   kl-clean / kl-corrupt     KL(full model on clean / corrupt prompts || patched model)
//   answer-logit / answer-prob / answer-logprob
//   logit-diff / prob-diff / logprob-diff      correct minus wrong
//   correct-percent           100 if the top token is a correct answer, else 0
//   correct-vs-incorrect-percent  100 if the best correct answer beats every wrong answer
// Every metric is a tensor function, so it is differentiable where that makes sense (for EAP).
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { nearMatchText } from './graph.js';
import type { Prompt } from './tasks/dataset.js';

export interface MetricInputs {
  /** Patched model's logits at the last position [batch, vocab]. */
  logits: Tensor;
  /** Full model's logits on the clean prompts [batch, vocab]. */
  clean: Tensor;
  /** Full model's logits on the corrupt prompts [batch, vocab]. */
  corrupt: Tensor;
  prompts: readonly Prompt[];
}

export type MetricFn = (x: MetricInputs) => Tensor; // [batch]

export interface Metric {
  name: string;
  fn: MetricFn;
  /** True when larger values mean closer to the full model's behaviour (false for KL). */
  higherIsBetter: boolean;
  /** False for the accuracy metrics (argmax): they have no gradient, so EAP and EAP-IG refuse them. */
  differentiable: boolean;
}

/** A [batch, vocab] selector with weight 1/count (mean) or 1 (sum) at each listed token. */
function selector(prompts: readonly Prompt[], which: 'correct' | 'wrong', vocab: number, mode: 'mean' | 'sum'): Tensor {
  const data = new Float32Array(prompts.length * vocab);
  prompts.forEach((p, b) => {
    const toks = p[which];
    for (const t of toks) data[b * vocab + t] += mode === 'mean' ? 1 / toks.length : 1;
  });
  return tf.tensor2d(data, [prompts.length, vocab]);
}

function picked(values: Tensor, prompts: readonly Prompt[], which: 'correct' | 'wrong', mode: 'mean' | 'sum'): Tensor {
  return tf.sum(tf.mul(values, selector(prompts, which, values.shape[1] as number, mode)), 1);
}

function kl(ref: Tensor, logits: Tensor): Tensor {
  const lp = tf.logSoftmax(ref);
  return tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, tf.logSoftmax(logits))), 1);
}

type Transform = 'logit' | 'prob' | 'logprob';
const transform = (t: Transform, logits: Tensor) => (t === 'logit' ? logits : t === 'prob' ? tf.softmax(logits) : tf.logSoftmax(logits));
const modeOf = (t: Transform) => (t === 'prob' ? 'sum' : 'mean');

function answerMetric(t: Transform): MetricFn {
  return ({ logits, prompts }) => picked(transform(t, logits), prompts, 'correct', modeOf(t));
}

function diffMetric(t: Transform): MetricFn {
  return ({ logits, prompts }) => {
    const v = transform(t, logits);
    return tf.sub(picked(v, prompts, 'correct', modeOf(t)), picked(v, prompts, 'wrong', modeOf(t)));
  };
}

function correctPercent({ logits, prompts }: MetricInputs): Tensor {
  const top = tf.argMax(logits, 1).dataSync();
  return tf.tensor1d(prompts.map((p, b) => (p.correct.includes(top[b]) ? 100 : 0)));
}

function correctVsIncorrect({ logits, prompts }: MetricInputs): Tensor {
  const V = logits.shape[1] as number;
  const data = logits.dataSync();
  return tf.tensor1d(prompts.map((p, b) => {
    const best = Math.max(...p.correct.map((t) => data[b * V + t]));
    return p.wrong.every((t) => best > data[b * V + t]) ? 100 : 0;
  }));
}

export const METRICS: Record<string, Metric> = {
  'kl-clean': { name: 'kl-clean', fn: ({ logits, clean }) => kl(clean, logits), higherIsBetter: false, differentiable: true },
  'kl-corrupt': { name: 'kl-corrupt', fn: ({ logits, corrupt }) => kl(corrupt, logits), higherIsBetter: false, differentiable: true },
  'answer-logit': { name: 'answer-logit', fn: answerMetric('logit'), higherIsBetter: true, differentiable: true },
  'answer-prob': { name: 'answer-prob', fn: answerMetric('prob'), higherIsBetter: true, differentiable: true },
  'answer-logprob': { name: 'answer-logprob', fn: answerMetric('logprob'), higherIsBetter: true, differentiable: true },
  'logit-diff': { name: 'logit-diff', fn: diffMetric('logit'), higherIsBetter: true, differentiable: true },
  'prob-diff': { name: 'prob-diff', fn: diffMetric('prob'), higherIsBetter: true, differentiable: true },
  'logprob-diff': { name: 'logprob-diff', fn: diffMetric('logprob'), higherIsBetter: true, differentiable: true },
  'correct-percent': { name: 'correct-percent', fn: correctPercent, higherIsBetter: true, differentiable: false },
  'correct-vs-incorrect-percent': { name: 'correct-vs-incorrect-percent', fn: correctVsIncorrect, higherIsBetter: true, differentiable: false },
};

export function metricByName(name: string): Metric {
  const m = METRICS[name];
  if (!m) throw new Error(`unknown metric "${name}"${nearMatchText(name, Object.keys(METRICS))}; metrics: ${Object.keys(METRICS).join(', ')}`);
  return m;
}

/** Logits at the last position [batch, vocab] from [batch, pos, vocab]. */
export function lastPosition(logits: Tensor): Tensor {
  const [b, p, v] = logits.shape;
  return tf.reshape(tf.slice(logits, [0, p - 1, 0], [b, 1, v]), [b, v]);
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * A circuit's per-prompt values as a percentage of the full model's: the ratio of the averages
 * (100 * mean(circuit) / mean(full)) and the average of the per-prompt ratios; both null when a
 * denominator is zero. The two can differ a lot when the full model's values vary across prompts.
 */
export function percentOfFull(circuit: readonly number[], full: readonly number[]): { ratioOfAverages: number | null; averageOfRatios: number | null } {
  if (circuit.length !== full.length || circuit.length === 0) throw new Error(`percentOfFull: ${circuit.length} circuit values vs ${full.length} full-model values`);
  const mf = mean(full);
  const ratios = circuit.map((c, i) => (full[i] === 0 ? null : (100 * c) / full[i]));
  return {
    ratioOfAverages: mf === 0 ? null : (100 * mean(circuit)) / mf,
    averageOfRatios: ratios.some((r) => r === null) ? null : mean(ratios as number[]),
  };
}

export { mean as meanOf };
