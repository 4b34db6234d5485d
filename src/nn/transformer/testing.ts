// Test fixtures: a random checkpoint in Hugging Face GPT-2 layout (config.json + model.safetensors),
// with weights large enough that every sublayer matters, and a relative-error helper.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../engine/rng.js';
import { writeSafetensorsFile, type StoredTensor } from '../../engine/safetensors.js';

export interface RandomGpt2Options {
  nLayer?: number;
  nEmbd?: number;
  nHead?: number;
  nPositions?: number;
  vocabSize?: number;
  /** Prefix every name with `transformer.` (as GPT2LMHeadModel saves) and add lm_head.weight (tied). */
  lmHeadLayout?: boolean;
  seed?: number;
}

export function hfGpt2Config(o: RandomGpt2Options = {}): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    n_layer: o.nLayer ?? 2,
    n_embd: o.nEmbd ?? 32,
    n_head: o.nHead ?? 4,
    n_positions: o.nPositions ?? 16,
    n_ctx: o.nPositions ?? 16,
    n_inner: null,
    vocab_size: o.vocabSize ?? 61,
    layer_norm_epsilon: 1e-5,
    resid_pdrop: 0.1,
    embd_pdrop: 0.1,
    attn_pdrop: 0.1,
    initializer_range: 0.02,
    bos_token_id: 0,
    eos_token_id: 0,
  };
}

/** The HF tensors of a random GPT-2 of this config, by HF name (without prefix). */
export function randomGpt2Tensors(config: Record<string, unknown>, seed = 0): Record<string, StoredTensor> {
  const rng = new Rng(seed);
  const d = config.n_embd as number;
  const m = (config.n_inner as number | null) ?? 4 * d;
  const t = (shape: number[], std: number, mean = 0): StoredTensor => ({
    dtype: 'F32',
    shape,
    data: rng.normalArray(shape.reduce((a, b) => a * b, 1), mean, std),
  });
  const out: Record<string, StoredTensor> = {
    'wte.weight': t([config.vocab_size as number, d], 0.5),
    'wpe.weight': t([config.n_positions as number, d], 0.3),
    'ln_f.weight': t([d], 0.2, 1),
    'ln_f.bias': t([d], 0.2),
  };
  for (let L = 0; L < (config.n_layer as number); L++) {
    const p = `h.${L}`;
    Object.assign(out, {
      [`${p}.ln_1.weight`]: t([d], 0.2, 1), [`${p}.ln_1.bias`]: t([d], 0.2),
      [`${p}.attn.c_attn.weight`]: t([d, 3 * d], 0.5 / Math.sqrt(d) * 3), [`${p}.attn.c_attn.bias`]: t([3 * d], 0.2),
      [`${p}.attn.c_proj.weight`]: t([d, d], 1 / Math.sqrt(d)), [`${p}.attn.c_proj.bias`]: t([d], 0.2),
      [`${p}.ln_2.weight`]: t([d], 0.2, 1), [`${p}.ln_2.bias`]: t([d], 0.2),
      [`${p}.mlp.c_fc.weight`]: t([d, m], 1 / Math.sqrt(d)), [`${p}.mlp.c_fc.bias`]: t([m], 0.2),
      [`${p}.mlp.c_proj.weight`]: t([m, d], 1 / Math.sqrt(m)), [`${p}.mlp.c_proj.bias`]: t([d], 0.2),
    });
  }
  return out;
}

/** Writes a random HF GPT-2 checkpoint to `dir` and returns its config. */
export function writeRandomGpt2(dir: string, options: RandomGpt2Options = {}): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  const config = hfGpt2Config(options);
  const bare = randomGpt2Tensors(config, options.seed ?? 0);
  let tensors = bare;
  if (options.lmHeadLayout) {
    tensors = {};
    for (const [n, v] of Object.entries(bare)) tensors[`transformer.${n}`] = v;
    tensors['lm_head.weight'] = { ...bare['wte.weight'], data: (bare['wte.weight'].data as Float32Array).slice() };
  }
  writeSafetensorsFile(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return config;
}

/** max |a - b| / max |b| (the error relative to the reference's scale). */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) throw new Error(`relativeError: lengths differ (${actual.length} vs ${reference.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff / Math.max(scale, 1e-12);
}
