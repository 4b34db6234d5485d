// A tiny, complete training run used by train.test.ts as a child process, so the test can kill
// or interrupt it and resume it. Usage:
//   node --import tsx train-fixture.ts --dir CKPT_DIR --out RESULT.json [--steps N] [--every K]
//        [--seed S] [--delay-ms D]
// Prints `checkpoint <step>` after each save, `resumed from <step>` at start, and
// `interrupted at <step>` (exit code 130) or `done` at the end. RESULT.json holds the final
// parameters (float32 bytes, base64) and the loss history.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tf } from '../../engine/tfjs.js';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { MLP } from '../mlp.js';
import { AdamW } from '../optim/adam.js';
import { isBiasOrNormParam } from '../optim/optimizer.js';
import { cosineWithWarmup } from '../schedules.js';
import { logSoftmax } from '../activations.js';
import { train } from '../train.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string', default: '40' },
    every: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
if (!values.dir || !values.out) throw new Error('train-fixture: --dir and --out are required');
const totalSteps = Number(values.steps);
const delayMs = Number(values['delay-ms']);

await initBackend();
const root = new Rng(Number(values.seed));

// Data: 256 points in the plane, labelled by the nearest of three fixed centres.
const dataRng = root.fork('data');
const n = 256;
const xs = dataRng.normalArray(2 * n);
const labels = new Int32Array(n);
const centres = [[1, 0], [-0.5, 0.87], [-0.5, -0.87]];
for (let i = 0; i < n; i++) {
  let best = 0;
  let bestD = Infinity;
  centres.forEach(([cx, cy], c) => {
    const d = (xs[2 * i] - cx) ** 2 + (xs[2 * i + 1] - cy) ** 2;
    if (d < bestD) [best, bestD] = [c, d];
  });
  labels[i] = best;
}
const X = tf.tensor(xs, [n, 2]);
const Y = tf.oneHot(tf.tensor(labels, [n], 'int32'), 3);

const model = new MLP([2, 16, 16, 3], { rng: root.fork('init'), activation: 'gelu' });
const optimizer = new AdamW(model.namedParameters(), { lr: 0, weightDecay: 0.05, groups: [{ match: isBiasOrNormParam, options: { weightDecay: 0 } }] });

const result = await train({
  model,
  optimizer,
  totalSteps,
  schedule: cosineWithWarmup({ peakLr: 0.05, warmupSteps: 5, totalSteps, minLr: 0.005 }),
  rng: root.fork('sampler'),
  sampleBatch: (rng) => {
    const idx = tf.tensor(Array.from({ length: 32 }, () => rng.int(n)), [32], 'int32');
    return { x: tf.gather(X, idx), y: tf.gather(Y, idx) };
  },
  loss: (b) => tf.neg(tf.mean(tf.sum(tf.mul(b.y, logSoftmax(model.forward(b.x))), -1))) as tf.Scalar,
  maxGradNorm: 1,
  checkpoint: { dir: values.dir, every: Number(values.every), onSaved: (step) => console.log(`checkpoint ${step}`) },
  onProgress: () => (delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : undefined),
});

if (result.resumedFromStep > 0) console.log(`resumed from ${result.resumedFromStep}`);
if (result.interrupted) {
  console.log(`interrupted at ${result.stepsCompleted}`);
  process.exitCode = 130;
} else {
  const params = Object.fromEntries(
    Object.entries(model.stateDict()).map(([name, t]) => [name, Buffer.from((t.dataSync() as Float32Array).buffer).toString('base64')]),
  );
  writeFileSync(values.out, JSON.stringify({ params, lossHistory: result.lossHistory }));
  console.log('done');
}
