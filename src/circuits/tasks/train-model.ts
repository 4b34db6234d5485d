// Training a small transformer that solves a circuit task, and saving/loading it with its task
// (model directory: glassbox transformer config.json + model.safetensors, plus task.json).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { Rng } from '../../engine/rng.js';
import { AdamW } from '../../nn/optim/adam.js';
import { clipGradsByGlobalNorm, disposeGrads, lossAndGrads } from '../../nn/grads.js';
import { HookedTransformer, loadTransformer, saveTransformer } from '../../nn/transformer/index.js';
import type { CircuitTask, TaskModelShape, TrainingExample } from './task.js';
import type { CircuitDataset } from './dataset.js';

export const TASK_FILE = 'task.json';

export interface TrainTaskModelOptions {
  task: CircuitTask;
  seed?: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  /** Overrides of the task's default model shape. */
  shape?: Partial<TaskModelShape>;
  onProgress?: (step: number, steps: number, loss: number) => void;
}

export interface TrainedTaskModel {
  model: HookedTransformer;
  losses: number[];
  /** Top-1 accuracy (%) on fresh prompts of the task. */
  accuracy: number;
}

/** Mean over all listed positions of -log(total probability of the listed target tokens). */
export function taskLoss(logits: Tensor, examples: readonly TrainingExample[]): tf.Scalar {
  const [b, p, V] = logits.shape as [number, number, number];
  const sel = new Float32Array(b * p * V);
  const pos = new Float32Array(b * p);
  let count = 0;
  examples.forEach((ex, i) => {
    for (const t of ex.targets) {
      pos[i * p + t.pos] = 1;
      count++;
      for (const tok of t.tokens) sel[(i * p + t.pos) * V + tok] = 1;
    }
  });
  return tf.tidy(() => {
    const probs = tf.softmax(logits);
    const mass = tf.sum(tf.mul(probs, tf.tensor3d(sel, [b, p, V])), 2);
    const nll = tf.neg(tf.log(tf.add(mass, 1e-9)));
    return tf.div(tf.sum(tf.mul(nll, tf.tensor2d(pos, [b, p]))), count) as tf.Scalar;
  });
}

export function taskAccuracy(model: HookedTransformer, ds: CircuitDataset): number {
  return tf.tidy(() => {
    const logits = model.forward(ds.prompts.map((p) => p.clean));
    const [b, p, V] = logits.shape;
    const top = tf.argMax(tf.reshape(tf.slice(logits, [0, p - 1, 0], [b, 1, V]), [b, V]), 1).dataSync();
    return (100 * ds.prompts.filter((q, i) => q.correct.includes(top[i])).length) / b;
  });
}

export function trainTaskModel(o: TrainTaskModelOptions): TrainedTaskModel {
  const { task } = o;
  const rng = new Rng(o.seed ?? 0);
  const shape = { ...task.model, ...(o.shape ?? {}) };
  const model = new HookedTransformer(
    { ...shape, dVocab: task.vocab.length, nCtx: task.seqLen, dMlp: 4 * shape.dModel, actFn: 'gelu_new', initStd: 0.02 },
    { rng: rng.fork('init') },
  );
  const steps = o.steps ?? task.trainSteps;
  const batchSize = o.batchSize ?? 64;
  const lr = o.lr ?? task.lr;
  const params = model.namedParameters();
  const opt = new AdamW(params, { lr, weightDecay: 0.01 });
  const dataRng = rng.fork('data');
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const examples = Array.from({ length: batchSize }, () => task.trainingExample(dataRng));
    const tokens = examples.map((e) => e.tokens);
    opt.lr = lr * Math.min(1, (step + 1) / 50) * (step > steps * 0.7 ? 0.3 : 1);
    const { loss, grads } = lossAndGrads(params, () => taskLoss(model.forward(tokens), examples));
    const clipped = clipGradsByGlobalNorm(grads, 1);
    opt.step(clipped.grads);
    disposeGrads(grads);
    disposeGrads(clipped.grads);
    const value = loss.dataSync()[0];
    loss.dispose();
    losses.push(value);
    o.onProgress?.(step + 1, steps, value);
  }
  const accuracy = taskAccuracy(model, task.generate(rng.fork('eval'), 256));
  return { model, losses, accuracy };
}

export interface TaskModelInfo {
  task: string;
  vocab: string[];
  accuracy?: number;
  seed?: number;
}

export function saveTaskModel(dir: string, model: HookedTransformer, info: TaskModelInfo): void {
  mkdirSync(dir, { recursive: true });
  saveTransformer(model, dir, { task: info.task });
  writeFileSync(join(dir, TASK_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** A model directory and, when it was trained by train-model, its task.json. */
export function loadTaskModel(dir: string): { model: HookedTransformer; info: TaskModelInfo | null } {
  const model = loadTransformer(dir);
  const path = join(dir, TASK_FILE);
  if (!existsSync(path)) return { model, info: null };
  let info: TaskModelInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as TaskModelInfo;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (typeof info.task !== 'string' || !Array.isArray(info.vocab)) throw new Error(`${path}: expected {"task": string, "vocab": string[]}`);
  return { model, info };
}
