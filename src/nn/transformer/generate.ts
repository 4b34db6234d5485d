// Autoregressive sampling: greedy, temperature and top-k, with a KV cache so each new token costs
// one position's forward pass (or, with useKvCache false, full recomputation, for checking).
import { tf } from '../../engine/tfjs.js';
import { Rng } from '../../engine/rng.js';
import type { HookedTransformer } from './model.js';
import { KvCache } from './kv-cache.js';

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 (the default) is greedy decoding; otherwise logits are divided by it before sampling. */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Sampling randomness (a seeded Rng; default Rng(0)). */
  rng?: Rng;
  /** Stop a sequence after it emits this token (it keeps emitting it while others continue). */
  stopToken?: number;
  /** Default true. */
  useKvCache?: boolean;
  /** Keep the logits of each step ([batch][vocab] per step) in the result. */
  returnLogits?: boolean;
}

export interface GenerateResult {
  /** Prompt + generated tokens, per sequence. */
  tokens: number[][];
  /** Per step, per sequence: the logits the next token was chosen from (when returnLogits). */
  stepLogits?: Float32Array[][];
}

/** The next token from one row of logits. */
export function chooseToken(logits: Float32Array, temperature: number, topK: number | undefined, rng: Rng): number {
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let ids = Array.from(logits.keys());
  if (topK !== undefined && topK < logits.length) ids = ids.sort((a, b) => logits[b] - logits[a] || a - b).slice(0, topK);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i]);
  const weights = ids.map((i) => Math.exp((logits[i] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.float() * total;
  for (let j = 0; j < ids.length; j++) {
    u -= weights[j];
    if (u < 0) return ids[j];
  }
  return ids[ids.length - 1];
}

function checkOptions(model: HookedTransformer, prompts: readonly (readonly number[])[], o: GenerateOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new Error(`generate: maxNewTokens must be a non-negative integer, got ${o.maxNewTokens}`);
  const t = o.temperature ?? 0;
  if (!Number.isFinite(t) || t < 0) throw new Error(`generate: temperature must be a finite number >= 0, got ${t}`);
  if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK < 1)) throw new Error(`generate: topK must be a positive integer, got ${o.topK}`);
  if (!Array.isArray(prompts) || prompts.length === 0) throw new Error('generate: expected at least one prompt');
  const len = prompts[0].length;
  if (len === 0) throw new Error('generate: prompts must not be empty');
  if (prompts.some((p) => p.length !== len)) throw new Error(`generate: prompts must have equal lengths (got ${prompts.map((p) => p.length).join(', ')})`);
  if (len + o.maxNewTokens > model.cfg.nCtx) {
    throw new Error(`generate: prompt length ${len} + maxNewTokens ${o.maxNewTokens} exceeds the model's context n_ctx = ${model.cfg.nCtx}`);
  }
}

/** Extends each prompt (all of equal length) by maxNewTokens tokens. */
export function generate(model: HookedTransformer, prompts: readonly (readonly number[])[], options: GenerateOptions): GenerateResult {
  checkOptions(model, prompts, options);
  const temperature = options.temperature ?? 0;
  const rng = options.rng ?? new Rng(0);
  const useKv = options.useKvCache ?? true;
  const seqs = prompts.map((p) => [...p]);
  const done = seqs.map(() => false);
  const stepLogits: Float32Array[][] = [];
  const V = model.cfg.dVocab;
  const kv = useKv ? new KvCache(model.cfg.nLayers) : null;
  try {
    for (let step = 0; step < options.maxNewTokens; step++) {
      const input = kv && step > 0 ? seqs.map((s) => [s[s.length - 1]]) : seqs;
      const last = tf.tidy(() => {
        const logits = model.forward(input, kv ? { kv } : {});
        const [b, p] = logits.shape as [number, number, number];
        return tf.reshape(tf.slice(logits, [0, p - 1, 0], [b, 1, V]), [b, V]);
      });
      const data = last.dataSync() as Float32Array;
      last.dispose();
      const rows = seqs.map((_, i) => data.slice(i * V, (i + 1) * V));
      if (options.returnLogits) stepLogits.push(rows);
      seqs.forEach((s, i) => {
        const next = done[i] ? (options.stopToken as number) : chooseToken(rows[i], temperature, options.topK, rng);
        s.push(next);
        if (next === options.stopToken) done[i] = true;
      });
      if (done.every(Boolean)) break;
    }
  } finally {
    kv?.dispose();
  }
  return options.returnLogits ? { tokens: seqs, stepLogits } : { tokens: seqs };
}
