// Metrics against values computed by hand (plain JS arithmetic on the same logits), and the two
// percent-of-full-model aggregations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { METRICS, metricByName, percentOfFull } from './metrics.js';
import type { Prompt } from './tasks/dataset.js';

before(async () => {
  await initBackend();
});

const logits = [
  [2.0, 0.5, -1.0, 0.0],
  [0.1, 0.2, 3.0, -0.5],
];
const clean = [
  [1.0, 1.0, 0.0, 0.0],
  [0.0, 0.0, 2.0, 0.0],
];
const corrupt = [
  [0.0, 2.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 1.0],
];
const prompts: Prompt[] = [
  { clean: [0], corrupt: [0], correct: [0], wrong: [1] },
  { clean: [0], corrupt: [0], correct: [1, 3], wrong: [2] },
];

const softmax = (r: number[]) => {
  const m = Math.max(...r);
  const e = r.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const logSoftmax = (r: number[]) => softmax(r).map(Math.log);
const kl = (p: number[], q: number[]) => softmax(p).reduce((s, pi, i) => s + pi * (logSoftmax(p)[i] - logSoftmax(q)[i]), 0);
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function run(name: string): number[] {
  return tf.tidy(() => Array.from(metricByName(name).fn({ logits: tf.tensor2d(logits), clean: tf.tensor2d(clean), corrupt: tf.tensor2d(corrupt), prompts }).dataSync()));
}

test('every metric matches a hand computation', () => {
  const byHand: Record<string, number[]> = {
    'kl-clean': logits.map((l, b) => kl(clean[b], l)),
    'kl-corrupt': logits.map((l, b) => kl(corrupt[b], l)),
    'answer-logit': logits.map((l, b) => avg(prompts[b].correct.map((t) => l[t]))),
    'answer-prob': logits.map((l, b) => prompts[b].correct.reduce((s, t) => s + softmax(l)[t], 0)),
    'answer-logprob': logits.map((l, b) => avg(prompts[b].correct.map((t) => logSoftmax(l)[t]))),
    'logit-diff': logits.map((l, b) => avg(prompts[b].correct.map((t) => l[t])) - avg(prompts[b].wrong.map((t) => l[t]))),
    'prob-diff': logits.map((l, b) => prompts[b].correct.reduce((s, t) => s + softmax(l)[t], 0) - prompts[b].wrong.reduce((s, t) => s + softmax(l)[t], 0)),
    'logprob-diff': logits.map((l, b) => avg(prompts[b].correct.map((t) => logSoftmax(l)[t])) - avg(prompts[b].wrong.map((t) => logSoftmax(l)[t]))),
    'correct-percent': [100, 0],
    'correct-vs-incorrect-percent': [100, 0],
  };
  assert.deepEqual(Object.keys(byHand).sort(), Object.keys(METRICS).sort());
  for (const [name, want] of Object.entries(byHand)) {
    const got = run(name);
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `${name}[${i}]: ${g} vs ${want[i]}`));
  }
});

test('percent of full model: ratio of averages and average of ratios differ', () => {
  const r = percentOfFull([1, 1], [1, 4]);
  assert.ok(Math.abs(r.ratioOfAverages! - 40) < 1e-9);
  assert.ok(Math.abs(r.averageOfRatios! - 62.5) < 1e-9);
  assert.equal(percentOfFull([1], [0]).averageOfRatios, null);
});

test('unknown metric names list near matches', () => {
  assert.throws(() => metricByName('logit-dif'), /unknown metric "logit-dif" \(did you mean "logit-diff"/);
});
