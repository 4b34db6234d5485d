import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantLr, linearWarmup, cosineWithWarmup, stepDecay } from './schedules.js';

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} != ${b}`);

test('constant and linear warmup', () => {
  assert.equal(constantLr(0.3)(0), 0.3);
  assert.equal(constantLr(0.3)(12345), 0.3);
  const w = linearWarmup(1, 4);
  assert.deepEqual([0, 1, 2, 3, 4, 100].map(w), [0.25, 0.5, 0.75, 1, 1, 1]);
  assert.equal(linearWarmup(0.5, 0)(0), 0.5);
});

test('cosine with warmup: warmup, peak, midpoint, floor', () => {
  const s = cosineWithWarmup({ peakLr: 1, warmupSteps: 10, totalSteps: 110, minLr: 0.1 });
  close(s(0), 0.1);
  close(s(4), 0.5);
  close(s(9), 1);
  close(s(10), 1);
  close(s(60), 0.55); // halfway through the decay: min + (peak - min) / 2
  close(s(35), 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)));
  close(s(110), 0.1);
  close(s(500), 0.1);
  const noWarm = cosineWithWarmup({ peakLr: 2, totalSteps: 4 });
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => +noWarm(i).toFixed(12)), [2, +(1 + Math.SQRT1_2).toFixed(12), 1, +(1 - Math.SQRT1_2).toFixed(12), 0]);
});

test('step decay matches StepLR', () => {
  const s = stepDecay(0.1, 3, 0.5);
  [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025].forEach((v, i) => close(s(i), v, `step ${i}`));
});

test('schedules are pure functions of the step', () => {
  const s = cosineWithWarmup({ peakLr: 3e-4, warmupSteps: 5, totalSteps: 50, minLr: 3e-5 });
  const forward = Array.from({ length: 60 }, (_, i) => s(i));
  const backward = Array.from({ length: 60 }, (_, i) => s(59 - i)).reverse();
  assert.deepEqual(forward, backward);
});

test('bad settings and steps are clear errors', () => {
  assert.throws(() => constantLr(-1), /lr must be a finite number >= 0/);
  assert.throws(() => cosineWithWarmup({ peakLr: 1, warmupSteps: 10, totalSteps: 10 }), /totalSteps must be an integer >= 11/);
  assert.throws(() => cosineWithWarmup({ peakLr: 1, totalSteps: 10, minLr: 2 }), /minLr \(2\) must not exceed peakLr/);
  assert.throws(() => stepDecay(0.1, 0, 0.5), /stepSize must be an integer >= 1/);
  assert.throws(() => constantLr(1)(-1), /step must be a non-negative integer/);
  assert.throws(() => linearWarmup(1, 3)(1.5), /step must be a non-negative integer/);
});
