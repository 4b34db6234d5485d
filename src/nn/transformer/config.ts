// Configuration of a decoder-only transformer (field meanings follow TransformerLens's
// HookedTransformerConfig, in camelCase), with defaults and strict validation: unknown fields,
// wrong types and inconsistent sizes are errors that name the field.
import { activationByName } from '../activations.js';

export type NormalizationType = 'LN' | 'LNPre' | null;
export type PositionalEmbeddingType = 'standard' | 'rotary';

export interface TransformerConfig {
  nLayers: number;
  dModel: number;
  nHeads: number;
  /** Per-head width; dModel / nHeads by default. */
  dHead: number;
  /** MLP hidden width; 4 * dModel by default (ignored when attnOnly). */
  dMlp: number;
  dVocab: number;
  /** Longest sequence the model accepts (the size of the learned position table). */
  nCtx: number;
  /** MLP activation: 'gelu_new' (GPT-2's tanh approximation), 'gelu', 'relu', 'silu', ... */
  actFn: string;
  /** 'LN' (learned scale and shift), 'LNPre' (normalisation without weights, after folding) or null. */
  normalizationType: NormalizationType;
  eps: number;
  /** No MLP sublayers. */
  attnOnly: boolean;
  positionalEmbeddingType: PositionalEmbeddingType;
  /** Dimensions of each head rotated by rotary embeddings (rotate-half layout); dHead by default. */
  rotaryDim: number;
  rotaryBase: number;
  /** Unembedding is the transposed token embedding (no W_U parameter). */
  tiedEmbeddings: boolean;
  /** Unembedding bias b_U. */
  unembedBias: boolean;
  /** Always compute blocks.{L}.attn.hook_result (otherwise only when a hook or cache asks for it). */
  useAttnResult: boolean;
  /** Always compute blocks.{L}.hook_q_input / k_input / v_input. */
  useSplitQkvInput: boolean;
  /** Always compute blocks.{L}.hook_attn_in. */
  useAttnIn: boolean;
  /** Accepted for TransformerLens compatibility: blocks.{L}.hook_mlp_in is always available (it costs nothing). */
  useHookMlpIn: boolean;
  /** Standard deviation of the initial weight matrices (biases start at 0, LN weights at 1). */
  initStd: number;
}

export type TransformerConfigInput = Partial<TransformerConfig> & Pick<TransformerConfig, 'nLayers' | 'dModel' | 'nHeads' | 'dVocab' | 'nCtx'>;

const BOOLEAN_FIELDS = ['attnOnly', 'tiedEmbeddings', 'unembedBias', 'useAttnResult', 'useSplitQkvInput', 'useAttnIn', 'useHookMlpIn'] as const;
const INT_FIELDS = ['nLayers', 'dModel', 'nHeads', 'dHead', 'dMlp', 'dVocab', 'nCtx', 'rotaryDim'] as const;
const POSITIVE_FIELDS = ['eps', 'rotaryBase', 'initStd'] as const;
const KNOWN_FIELDS = new Set<string>([
  ...BOOLEAN_FIELDS, ...INT_FIELDS, ...POSITIVE_FIELDS, 'actFn', 'normalizationType', 'positionalEmbeddingType',
]);

/** A complete, validated configuration from partial input (`source` names where it came from, for errors). */
export function makeConfig(input: TransformerConfigInput | Record<string, unknown>, source = 'transformer config'): TransformerConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error(`${source}: expected an object, got ${JSON.stringify(input)}`);
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length) throw new Error(`${source}: unknown field(s) ${unknown.join(', ')}; known fields: ${[...KNOWN_FIELDS].join(', ')}`);
  for (const f of ['nLayers', 'dModel', 'nHeads', 'dVocab', 'nCtx']) {
    if (raw[f] === undefined) throw new Error(`${source}: required field ${f} is missing`);
  }
  const problems: string[] = [];
  const int = (f: string) => {
    const v = raw[f];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) <= 0)) problems.push(`${f} must be a positive integer, got ${JSON.stringify(v)}`);
  };
  INT_FIELDS.forEach(int);
  for (const f of POSITIVE_FIELDS) {
    const v = raw[f];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) problems.push(`${f} must be a positive number, got ${JSON.stringify(v)}`);
  }
  for (const f of BOOLEAN_FIELDS) {
    if (raw[f] !== undefined && typeof raw[f] !== 'boolean') problems.push(`${f} must be true or false, got ${JSON.stringify(raw[f])}`);
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);

  const dModel = raw.dModel as number;
  const nHeads = raw.nHeads as number;
  if (raw.dHead === undefined && dModel % nHeads !== 0) {
    throw new Error(`${source}: dModel ${dModel} is not divisible by nHeads ${nHeads}; give dHead explicitly`);
  }
  const dHead = (raw.dHead as number | undefined) ?? dModel / nHeads;
  const cfg: TransformerConfig = {
    nLayers: raw.nLayers as number,
    dModel,
    nHeads,
    dHead,
    dMlp: (raw.dMlp as number | undefined) ?? 4 * dModel,
    dVocab: raw.dVocab as number,
    nCtx: raw.nCtx as number,
    actFn: (raw.actFn as string | undefined) ?? 'gelu_new',
    normalizationType: raw.normalizationType === undefined ? 'LN' : (raw.normalizationType as NormalizationType),
    eps: (raw.eps as number | undefined) ?? 1e-5,
    attnOnly: (raw.attnOnly as boolean | undefined) ?? false,
    positionalEmbeddingType: (raw.positionalEmbeddingType as PositionalEmbeddingType | undefined) ?? 'standard',
    rotaryDim: (raw.rotaryDim as number | undefined) ?? dHead,
    rotaryBase: (raw.rotaryBase as number | undefined) ?? 10000,
    tiedEmbeddings: (raw.tiedEmbeddings as boolean | undefined) ?? false,
    unembedBias: (raw.unembedBias as boolean | undefined) ?? true,
    useAttnResult: (raw.useAttnResult as boolean | undefined) ?? false,
    useSplitQkvInput: (raw.useSplitQkvInput as boolean | undefined) ?? false,
    useAttnIn: (raw.useAttnIn as boolean | undefined) ?? false,
    useHookMlpIn: (raw.useHookMlpIn as boolean | undefined) ?? false,
    initStd: (raw.initStd as number | undefined) ?? 0.02,
  };
  if (!['LN', 'LNPre', null].includes(cfg.normalizationType)) {
    throw new Error(`${source}: normalizationType must be "LN", "LNPre" or null, got ${JSON.stringify(cfg.normalizationType)}`);
  }
  if (!['standard', 'rotary'].includes(cfg.positionalEmbeddingType)) {
    throw new Error(`${source}: positionalEmbeddingType must be "standard" or "rotary", got ${JSON.stringify(cfg.positionalEmbeddingType)}`);
  }
  if (typeof cfg.actFn !== 'string') throw new Error(`${source}: actFn must be a string, got ${JSON.stringify(cfg.actFn)}`);
  activationFor(cfg.actFn, source);
  if (cfg.rotaryDim > cfg.dHead || cfg.rotaryDim % 2 !== 0) {
    throw new Error(`${source}: rotaryDim must be even and at most dHead (${cfg.dHead}), got ${cfg.rotaryDim}`);
  }
  if (cfg.useSplitQkvInput && cfg.useAttnIn) throw new Error(`${source}: useSplitQkvInput and useAttnIn are exclusive`);
  return cfg;
}

/** TransformerLens's activation names mapped onto glassbox's activations. */
const ACT_ALIASES: Record<string, string> = { gelu_new: 'gelu_tanh', gelu_fast: 'gelu_tanh', gelu_pytorch_tanh: 'gelu_tanh' };

export function activationFor(name: string, source = 'transformer config') {
  try {
    return activationByName(ACT_ALIASES[name] ?? name);
  } catch (e) {
    throw new Error(`${source}: actFn: ${(e as Error).message} (or gelu_new)`);
  }
}

/** The configuration as JSON-ready data (for glassbox's config.json). */
export function configToJson(cfg: TransformerConfig): Record<string, unknown> {
  return { ...cfg };
}
