// Peak memory of a GPT-2-small-shaped forward pass (12 layers, d_model 768, 12 heads, vocab
// 50257, n_ctx 1024, tied unembedding as GPT-2; random weights) on a batch of 8 x 64 tokens. Run as
// its own process so the peak resident set size (VmHWM) measures only this: prints one JSON line.
//   node --import tsx src/nn/transformer/memory-check.ts [batch] [seq]
import { readFileSync } from 'node:fs';
import { initBackend } from '../../engine/backend.js';
import { tf } from '../../engine/tfjs.js';
import { HookedTransformer } from './model.js';

export const GPT2_SMALL = { nLayers: 12, dModel: 768, nHeads: 12, dVocab: 50257, nCtx: 1024, actFn: 'gelu_new', tiedEmbeddings: true };

/** Peak resident set size of this process in bytes (Linux /proc), or null elsewhere. */
export function peakRssBytes(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const batch = Number(process.argv[2] ?? 8);
  const seq = Number(process.argv[3] ?? 64);
  const backend = await initBackend();
  const t0 = Date.now();
  const model = new HookedTransformer(GPT2_SMALL, { seed: 0 });
  const initSeconds = (Date.now() - t0) / 1000;
  const afterInit = peakRssBytes();
  const tokens = Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, p) => (b * 7919 + p * 104729) % GPT2_SMALL.dVocab));
  const t1 = Date.now();
  const logits = model.forward(tokens);
  const finite = tf.all(tf.isFinite(logits)).dataSync()[0] === 1;
  const forwardSeconds = (Date.now() - t1) / 1000;
  logits.dispose();
  process.stdout.write(
    `${JSON.stringify({ backend: backend.name, batch, seq, parameters: model.parameterCount(), peakRssBytes: peakRssBytes(), peakRssAfterInitBytes: afterInit, initSeconds, forwardSeconds, finite })}\n`,
  );
  model.dispose();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
