// `glassbox lm run`: run a model directory on token ids and write the logits and the requested
// cached activations (by TransformerLens hook name) to one safetensors file, so results can be
// compared with any other implementation.
import { writeSafetensorsFile, type StoredTensor } from '../../engine/safetensors.js';
import { fromTfTensor } from '../../engine/safetensors-tf.js';
import { detectLayout, loadTransformer, type LoadTransformerOptions } from './weights.js';

export interface RunToFileOptions extends LoadTransformerOptions {
  modelDir: string;
  tokens: number[][];
  cacheNames: string[];
  outFile: string;
}

export interface RunToFileResult {
  outFile: string;
  layout: string;
  /** Name -> shape of every tensor written. */
  written: Record<string, number[]>;
}

/** Parses `1,2,3;4,5,6` into [[1,2,3],[4,5,6]] with a clear error on anything else. */
export function parseTokenList(text: string): number[][] {
  const rows = text.split(';').map((row, r) =>
    row.split(',').map((s, i) => {
      const t = s.trim();
      if (!/^\d+$/.test(t)) throw new Error(`--tokens: sequence ${r} item ${i} is ${JSON.stringify(s)}, not a non-negative integer`);
      return Number(t);
    }),
  );
  return rows;
}

export function runToFile(o: RunToFileOptions): RunToFileResult {
  const layout = detectLayout(o.modelDir);
  const model = loadTransformer(o.modelDir, o);
  try {
    const names = [...new Set(o.cacheNames)];
    if (names.includes('logits')) throw new Error('--cache: "logits" is always written; name hook points only');
    const { logits, cache } = model.runWithCache(o.tokens, { names });
    const tensors: Record<string, StoredTensor> = { logits: fromTfTensor(logits, 'F32', 'logits') };
    logits.dispose();
    for (const n of names) {
      const t = cache.get(n);
      if (!t) throw new Error(`hook point ${n} was not reached in the forward pass`);
      tensors[n] = fromTfTensor(t, 'F32', n);
    }
    for (const t of cache.values()) t.dispose();
    writeSafetensorsFile(o.outFile, tensors, { model: o.modelDir, layout, tokens: JSON.stringify(o.tokens) });
    return { outFile: o.outFile, layout, written: Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.shape])) };
  } finally {
    model.dispose();
  }
}
