// Compiles a routing spec and one batch's data (labels, token ids) into what training uses:
// forward hooks that route each hook point's activation with a per-example / per-token /
// per-dimension mask, and the per-example parameter masks grouped by pattern.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Hooks, HookFn } from './hooks.js';
import { route } from './primitives.js';
import { globToRegExp, validateRoutingSpec, type DimRange, type HookTarget, type RoutingRule, type RoutingSpec, type RoutingTargets } from './spec.js';

export interface RoutingBatch {
  batchSize: number;
  /** One label per example; a negative label matches no `labels` rule (e.g. data left unrouted). */
  labels?: ArrayLike<number>;
  /** Token ids, row-major [batchSize, seqLen]. */
  tokens?: ArrayLike<number>;
  seqLen?: number;
}

/** Examples that share one parameter mask: the gradient of their loss reaches each parameter times its weight. */
export interface ParamRoutingGroup {
  indices: Int32Array;
  /** Weight per parameter name (every parameter of the targets is listed). */
  weights: Record<string, number>;
}

export interface CompiledRouting {
  /** Forward hooks that apply `route` with the compiled masks; pass to runWithHooks. */
  hooks: Hooks;
  /** The mask for a hook point given its activation's shape ([B, D], [B, T, D] or [B, T, ..., D]); null when nothing routes there. */
  maskFor(hook: string, shape: readonly number[]): { values: Float32Array; shape: number[] } | null;
  /** Examples grouped by parameter mask (one group when no rule targets parameters). */
  paramGroups: ParamRoutingGroup[];
}

interface Positions {
  /** Per-position routing strength of a rule (0: not matched). */
  strengths: Float32Array;
}

function conceptTokens(spec: RoutingSpec, name: string): number[] {
  return spec.concepts?.[name] ?? [];
}

function checkBatch(batch: RoutingBatch): void {
  const { batchSize, labels, tokens, seqLen } = batch;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`routing batch: batchSize must be a positive integer, got ${batchSize}`);
  if (labels && labels.length !== batchSize) throw new Error(`routing batch: ${labels.length} labels for a batch of ${batchSize}`);
  if (tokens) {
    if (!Number.isInteger(seqLen) || seqLen! < 1) throw new Error(`routing batch: tokens need a positive integer seqLen, got ${seqLen}`);
    if (tokens.length !== batchSize * seqLen!) {
      throw new Error(`routing batch: expected batchSize x seqLen = ${batchSize} x ${seqLen} = ${batchSize * seqLen!} token ids, got ${tokens.length}`);
    }
  }
}

/** Per-example strengths (length B) or per-token strengths (length B*T) of one rule's match. */
function ruleStrengths(spec: RoutingSpec, rule: RoutingRule, batch: RoutingBatch, perToken: boolean, where: string): Positions {
  const B = batch.batchSize;
  const T = perToken ? batch.seqLen! : 1;
  const s = rule.strength ?? 1;
  const out = new Float32Array(B * T);
  const m = rule.match as Record<string, unknown>;
  const needTokens = () => {
    if (!batch.tokens) throw new Error(`routing: rule "${rule.name ?? '?'}" matches tokens but the batch has no token ids`);
    if (!perToken && !('sequencesContaining' in m)) {
      throw new Error(`routing: rule "${rule.name ?? '?'}" matches tokens but ${where} has no token axis (a per-example activation)`);
    }
    return batch.tokens;
  };
  const perExample = (matched: (b: number) => boolean) => {
    for (let b = 0; b < B; b++) if (matched(b)) out.fill(s, b * T, (b + 1) * T);
  };
  if ('all' in m) out.fill(s);
  else if ('labels' in m) {
    if (!batch.labels) throw new Error(`routing: rule "${rule.name ?? '?'}" matches labels but the batch has no labels`);
    const set = new Set(m.labels as number[]);
    const labels = batch.labels;
    perExample((b) => set.has(labels[b]));
  } else if ('sequencesContaining' in m) {
    const sc = m.sequencesContaining as { tokens?: number[]; concept?: string };
    const set = new Set([...(sc.tokens ?? []), ...(sc.concept ? conceptTokens(spec, sc.concept) : [])]);
    const tokens = needTokens();
    const L = batch.seqLen!;
    perExample((b) => {
      for (let t = 0; t < L; t++) if (set.has(tokens[b * L + t])) return true;
      return false;
    });
  } else if ('tokens' in m || 'concept' in m) {
    const set = new Set('tokens' in m ? (m.tokens as number[]) : conceptTokens(spec, m.concept as string));
    const tokens = needTokens();
    for (let i = 0; i < B * T; i++) if (set.has(tokens[i])) out[i] = s;
  } else if ('tokenWeights' in m) {
    const w = m.tokenWeights as Record<string, number>;
    const tokens = needTokens();
    for (let i = 0; i < B * T; i++) out[i] = s * (w[String(tokens[i])] ?? 0);
  }
  return { strengths: out };
}

/** The mask row (length D) a rule's hook target writes for a fully routed position. */
function targetRow(t: HookTarget, D: number): Float32Array {
  const row = new Float32Array(D).fill(t.elsewhere ?? 0);
  const dims: DimRange[] = t.dims ?? [{ start: 0, end: D }];
  const at = (i: number) => {
    const j = i < 0 ? i + D : i;
    if (j < 0 || j >= D) throw new Error(`routing: hook point "${t.hook}" has width ${D}; dimension ${i} is out of range`);
    return j;
  };
  for (const r of dims) {
    const w = r.weight ?? t.weight ?? 1;
    if ('indices' in r) for (const i of r.indices) row[at(i)] = w;
    else {
      const start = r.start < 0 ? r.start + D : r.start;
      const end = r.end < 0 ? r.end + D : r.end;
      if (start < 0 || end > D || start > end) {
        throw new Error(`routing: hook point "${t.hook}" has width ${D}; range {start: ${r.start}, end: ${r.end}} is out of range`);
      }
      row.fill(w, start, end);
    }
  }
  return row;
}

/**
 * Compiles `spec` for one batch. At each hook point (and for the parameters) the first rule
 * that matches a position (example or token) and targets that hook point decides its mask;
 * positions no rule claims get 1 (ordinary gradient).
 */
export function compileRouting(spec: RoutingSpec, batch: RoutingBatch, targets: RoutingTargets): CompiledRouting {
  validateRoutingSpec(spec, targets);
  checkBatch(batch);
  const B = batch.batchSize;
  const hookRules = new Map<string, { rule: RoutingRule; target: HookTarget }[]>();
  for (const rule of spec.rules) {
    for (const target of rule.hooks ?? []) {
      if (!hookRules.has(target.hook)) hookRules.set(target.hook, []);
      hookRules.get(target.hook)!.push({ rule, target });
    }
  }

  const maskFor = (hook: string, shape: readonly number[]) => {
    const entries = hookRules.get(hook);
    if (!entries) return null;
    if (shape.length < 2 || shape[0] !== B) {
      throw new Error(`routing: hook point "${hook}" has activation shape [${shape.join(', ')}]; expected [${B}, ..., D] for a batch of ${B}`);
    }
    const D = shape[shape.length - 1];
    const perToken = shape.length >= 3;
    const T = perToken ? shape[1] : 1;
    if (perToken && batch.tokens && batch.seqLen !== T) {
      throw new Error(`routing: hook point "${hook}" has ${T} positions but the batch's seqLen is ${batch.seqLen}`);
    }
    const P = B * T;
    const values = new Float32Array(P * D).fill(1);
    const claimed = new Uint8Array(P);
    const tokenBatch: RoutingBatch = perToken ? { ...batch, seqLen: T } : batch;
    for (const { rule, target } of entries) {
      const { strengths } = ruleStrengths(spec, rule, tokenBatch, perToken, `hook point "${hook}"`);
      const row = targetRow(target, D);
      for (let p = 0; p < P; p++) {
        const s = strengths[p];
        if (claimed[p] || s === 0) continue;
        claimed[p] = 1;
        for (let d = 0; d < D; d++) values[p * D + d] = s * row[d] + (1 - s);
      }
    }
    const maskShape = perToken ? [B, T, ...new Array<number>(shape.length - 3).fill(1), D] : [B, D];
    return { values, shape: maskShape };
  };

  const fwd: Record<string, HookFn> = {};
  for (const hook of hookRules.keys()) {
    fwd[hook] = (act: Tensor) => {
      const m = maskFor(hook, act.shape)!;
      return route(act, tf.tensor(m.values, m.shape, 'float32'));
    };
  }

  return { hooks: { fwd }, maskFor, paramGroups: compileParamGroups(spec, batch, targets) };
}

function compileParamGroups(spec: RoutingSpec, batch: RoutingBatch, targets: RoutingTargets): ParamRoutingGroup[] {
  const B = batch.batchSize;
  const names = targets.paramNames ?? [];
  const rules = spec.rules.filter((r) => r.params);
  const all = Int32Array.from({ length: B }, (_, i) => i);
  const ones = Object.fromEntries(names.map((n) => [n, 1]));
  if (rules.length === 0) return [{ indices: all, weights: ones }];
  // Each example's weights: from the first param rule matching it, blended by strength.
  const patterns = new Map<string, { indices: number[]; weights: Record<string, number> }>();
  const claimed = new Uint8Array(B);
  const rows: (Record<string, number> | null)[] = new Array(B).fill(null);
  for (const rule of rules) {
    const { strengths } = ruleStrengths(spec, rule, batch, false, 'parameter routing');
    const t = rule.params!;
    const res = t.groups.map(globToRegExp);
    const full: Record<string, number> = {};
    for (const n of names) full[n] = res.some((re) => re.test(n)) ? (t.weight ?? 1) : (t.elsewhere ?? 0);
    for (let b = 0; b < B; b++) {
      const s = strengths[b];
      if (claimed[b] || s === 0) continue;
      claimed[b] = 1;
      const w: Record<string, number> = {};
      for (const n of names) w[n] = s * full[n] + (1 - s);
      rows[b] = w;
    }
  }
  for (let b = 0; b < B; b++) {
    const w = rows[b] ?? ones;
    const key = names.map((n) => w[n]).join(',');
    if (!patterns.has(key)) patterns.set(key, { indices: [], weights: w });
    patterns.get(key)!.indices.push(b);
  }
  return [...patterns.values()].map((p) => ({ indices: Int32Array.from(p.indices), weights: p.weights }));
}
