// A circuit task: a word-level vocabulary, a generator of clean/corrupt prompt pairs, training
// examples for a small model that solves it, and that model's default shape.
import type { Rng } from '../../engine/rng.js';
import type { CircuitDataset } from './dataset.js';

/** A prompt pair in words (every word is one token of the task's vocabulary). */
export interface WordPrompt {
  clean: string[];
  corrupt: string[];
  correct: string[];
  wrong: string[];
  metadata?: Record<string, unknown>;
}

/** A training sequence: the loss asks, at each listed position, for any of the target tokens. */
export interface TrainingExample {
  tokens: number[];
  targets: { pos: number; tokens: number[] }[];
}

export interface TaskModelShape {
  nLayers: number;
  nHeads: number;
  dModel: number;
  attnOnly: boolean;
}

export interface CircuitTask {
  name: string;
  description: string;
  vocab: string[];
  /** Tokens per prompt (every prompt of the task has this length). */
  seqLen: number;
  generate(rng: Rng, count: number): CircuitDataset;
  trainingExample(rng: Rng): TrainingExample;
  model: TaskModelShape;
  /** The metric the task's paper measures with, when it is not logit-diff (greater-than: prob-diff). */
  metric?: string;
  /** Default training steps (batch 64) and peak learning rate to solve the task. */
  trainSteps: number;
  lr: number;
}

/** Converts word prompts to a dataset over `vocab` (throws on unknown words). */
export function datasetFromWords(name: string, vocab: readonly string[], prompts: readonly WordPrompt[]): CircuitDataset {
  if (prompts.length === 0) throw new Error(`${name}: the dataset is empty (asked for 0 prompts)`);
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const id = (w: string) => {
    const i = ids.get(w);
    if (i === undefined) throw new Error(`${name}: word "${w}" is not in the task vocabulary`);
    return i;
  };
  const out = prompts.map((p) => ({
    clean: p.clean.map(id),
    corrupt: p.corrupt.map(id),
    correct: p.correct.map(id),
    wrong: p.wrong.map(id),
    ...(p.metadata ? { metadata: p.metadata } : {}),
  }));
  const seqLen = out[0].clean.length;
  out.forEach((p, i) => {
    if (p.clean.length !== seqLen || p.corrupt.length !== seqLen) throw new Error(`${name}: prompt ${i} has lengths ${p.clean.length}/${p.corrupt.length}, expected ${seqLen}`);
  });
  return { name, prompts: out, vocab: [...vocab], seqLen };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** `k` distinct items. */
export function pickDistinct<T>(rng: Rng, items: readonly T[], k: number): T[] {
  if (k > items.length) throw new Error(`cannot pick ${k} distinct items from ${items.length}`);
  const perm = rng.permutation(items.length);
  return Array.from(perm.subarray(0, k), (i) => items[i]);
}

/** A training example asking for the prompt's correct answers at its last position. */
export function answerExample(vocab: readonly string[], p: WordPrompt): TrainingExample {
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const tokens = p.clean.map((w) => ids.get(w)!);
  return { tokens, targets: [{ pos: tokens.length - 1, tokens: p.correct.map((w) => ids.get(w)!) }] };
}
