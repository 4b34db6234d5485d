// Loading and saving transformers. A model directory holds config.json + model.safetensors,
// either in Hugging Face GPT-2 layout or in glassbox's own format (config.json
// {"format": "glassbox-transformer", "version": 1, "config": {...}}, tensors under the
// model's TransformerLens-style state-dict names).
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../engine/tfjs.js';
import { readSafetensorsFile, writeSafetensorsFile, type StoredTensor } from '../../engine/safetensors.js';
import { fromTfTensor, toTfTensor } from '../../engine/safetensors-tf.js';
import { configToJson, makeConfig, type TransformerConfig } from './config.js';
import { configFromHfGpt2, isHfGpt2Config, stateFromHfGpt2 } from './hf-gpt2.js';
import { HookedTransformer } from './model.js';
import { processWeights, type ProcessWeightsOptions } from './process-weights.js';

export const GLASSBOX_FORMAT = 'glassbox-transformer';
export const GLASSBOX_FORMAT_VERSION = 1;
export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';

export type CheckpointLayout = 'hf-gpt2' | 'glassbox';

export interface LoadTransformerOptions extends ProcessWeightsOptions {}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${path}: expected a JSON object`);
  return json as Record<string, unknown>;
}

/** The layout of a model directory, from its config.json. */
export function detectLayout(dir: string): CheckpointLayout {
  const path = join(dir, CONFIG_FILE);
  const json = readJson(path);
  if (json.format === GLASSBOX_FORMAT) return 'glassbox';
  if (isHfGpt2Config(json)) return 'hf-gpt2';
  throw new Error(`${path}: neither a glassbox transformer config (format "${GLASSBOX_FORMAT}") nor a Hugging Face GPT-2 config (model_type "gpt2")`);
}

/** Configuration and state dict (TransformerLens names) of a model directory, before processing. */
export function readTransformerWeights(dir: string): { cfg: TransformerConfig; state: Record<string, Tensor>; layout: CheckpointLayout } {
  const layout = detectLayout(dir);
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  if (!existsSync(weightsPath)) throw new Error(`${dir}: no ${WEIGHTS_FILE} next to ${CONFIG_FILE}`);
  const json = readJson(configPath);
  const { tensors } = readSafetensorsFile(weightsPath);
  if (layout === 'hf-gpt2') {
    const cfg = configFromHfGpt2(json, configPath);
    return { ...stateFromHfGpt2(cfg, tensors, weightsPath), layout };
  }
  if (json.version !== GLASSBOX_FORMAT_VERSION) throw new Error(`${configPath}: version ${JSON.stringify(json.version)} is not supported (expected ${GLASSBOX_FORMAT_VERSION})`);
  const extra = Object.keys(json).filter((k) => !['format', 'version', 'config'].includes(k));
  if (extra.length) throw new Error(`${configPath}: unknown field(s) ${extra.join(', ')}`);
  const cfg = makeConfig(json.config as Record<string, unknown>, `${configPath}: config`);
  return { cfg, state: glassboxState(cfg, tensors, weightsPath), layout };
}

/** Checks stored tensors against the names and shapes a model of `cfg` has, listing every problem. */
function glassboxState(cfg: TransformerConfig, stored: Record<string, StoredTensor>, source: string): Record<string, Tensor> {
  const template = new HookedTransformer(cfg, { zeroInit: true });
  try {
    const own = template.stateDict();
    const problems: string[] = [];
    const missing = Object.keys(own).filter((n) => !(n in stored));
    const unexpected = Object.keys(stored).filter((n) => !(n in own));
    if (missing.length) problems.push(`missing tensors: ${missing.join(', ')}`);
    if (unexpected.length) problems.push(`unexpected tensors: ${unexpected.join(', ')}`);
    for (const [n, t] of Object.entries(own)) {
      const s = stored[n];
      if (!s) continue;
      if (!['F32', 'F16', 'BF16'].includes(s.dtype)) problems.push(`${n}: dtype ${s.dtype}, expected a float type (F32, F16 or BF16)`);
      if (s.shape.length !== t.shape.length || s.shape.some((x, i) => x !== t.shape[i])) {
        problems.push(`${n}: shape [${s.shape.join(', ')}], expected [${t.shape.join(', ')}]`);
      }
    }
    if (problems.length) throw new Error(`${source}: does not match its config.json: ${problems.join('; ')}`);
  } finally {
    template.dispose();
  }
  const state: Record<string, Tensor> = {};
  for (const [n, s] of Object.entries(stored)) state[n] = toTfTensor(s, n);
  return state;
}

/** A model built from a state dict (TransformerLens names); the tensors are copied, the caller keeps them. */
export function transformerFromState(cfg: TransformerConfig, state: Record<string, Tensor>): HookedTransformer {
  const model = new HookedTransformer(cfg, { zeroInit: true });
  model.loadStateDict(state);
  return model;
}

/** Loads a model directory (HF GPT-2 or glassbox layout), optionally folding LayerNorm and centring weights. */
export function loadTransformer(dir: string, options: LoadTransformerOptions = {}): HookedTransformer {
  const { cfg, state } = readTransformerWeights(dir);
  const processed = processWeights(cfg, state, options);
  try {
    return transformerFromState(processed.cfg, processed.state);
  } finally {
    const all = new Set([...Object.values(state), ...Object.values(processed.state)]);
    for (const t of all) t.dispose();
  }
}

/** Writes `dir/config.json` and `dir/model.safetensors` in glassbox's format (creates dir). */
export function saveTransformer(model: HookedTransformer, dir: string, metadata: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, StoredTensor> = {};
  for (const [n, t] of Object.entries(model.stateDict())) tensors[n] = fromTfTensor(t, 'F32', n);
  writeSafetensorsFile(join(dir, WEIGHTS_FILE), tensors, metadata);
  const config = { format: GLASSBOX_FORMAT, version: GLASSBOX_FORMAT_VERSION, config: configToJson(model.cfg) };
  const tmp = join(dir, `${CONFIG_FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(tmp, join(dir, CONFIG_FILE));
}
