// Text in, text out: a model directory with its tokenizer (vocab.json + merges.txt beside
// config.json, as `lm train` writes and GPT-2 checkpoints ship) continues a prompt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../engine/rng.js';
import { Gpt2Tokenizer } from '../tokenizer/index.js';
import { generate } from './generate.js';
import { loadTransformer } from './weights.js';

export interface GenerateTextOptions {
  modelDir: string;
  prompt: string;
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  seed?: number;
}

export function loadTokenizerFor(modelDir: string): Gpt2Tokenizer {
  const vocab = join(modelDir, 'vocab.json');
  const merges = join(modelDir, 'merges.txt');
  const missing = [vocab, merges].filter((p) => !existsSync(p));
  if (missing.length) throw new Error(`${modelDir}: no tokenizer (missing ${missing.join(' and ')}); pass token ids to lm run instead`);
  return Gpt2Tokenizer.fromFiles(vocab, merges);
}

/** The prompt followed by its continuation, and the token ids of both. */
export function generateText(o: GenerateTextOptions): { text: string; promptTokens: number[]; tokens: number[] } {
  const tokenizer = loadTokenizerFor(o.modelDir);
  const model = loadTransformer(o.modelDir);
  try {
    const promptTokens = tokenizer.encode(o.prompt);
    if (promptTokens.length === 0) throw new Error('generate: the prompt encodes to no tokens');
    const maxNewTokens = Math.min(o.maxNewTokens, model.cfg.nCtx - promptTokens.length);
    const { tokens } = generate(model, [promptTokens], { maxNewTokens, temperature: o.temperature, topK: o.topK, rng: new Rng(o.seed ?? 0) });
    return { text: tokenizer.decode(tokens[0]), promptTokens, tokens: tokens[0] };
  } finally {
    model.dispose();
  }
}
