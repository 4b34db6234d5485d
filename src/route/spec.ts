// Routing specs: a declarative, JSON-serializable description of which data sends gradient
// where. A spec is a list of rules; each rule matches examples or tokens of a batch and names
// the hook points (and the dimensions of their last axis) or the parameter groups that the
// matched data's gradient may reach, with a weight. `validateRoutingSpec` checks a parsed
// value against a model's hook points and parameter names and returns it typed.

/** Dimensions of a hook point's last axis: a half-open range (negative = from the end), or explicit indices. */
export type DimRange = { start: number; end: number; weight?: number } | { indices: number[]; weight?: number };

export interface HookTarget {
  /** Hook point name, e.g. "encoder.hook_code" or "blocks.3.hook_mlp_out". */
  hook: string;
  /** Dimensions that receive gradient (default: all). A range's own weight overrides the target's. */
  dims?: DimRange[];
  /** Gradient multiplier on `dims` (default 1). */
  weight?: number;
  /** Gradient multiplier on every other dimension (default 0: no gradient). */
  elsewhere?: number;
}

export interface ParamTarget {
  /** Parameter-name globs: `*` matches within one dotted part, `**` across parts (e.g. "encoder.head_first.*", "decoder.**"). */
  groups: string[];
  /** Gradient multiplier on the matched parameters (default 1). */
  weight?: number;
  /** Gradient multiplier on every other parameter (default 0). */
  elsewhere?: number;
}

/** What a rule matches: exactly one of these keys. */
export type RuleMatch =
  /** Examples whose label is in the list (per example: every token of a sequence). */
  | { labels: number[] }
  /** Tokens with these ids, or the tokens of a named concept (per token). */
  | { tokens: number[] }
  | { concept: string }
  /** Whole sequences that contain any of these tokens or any token of the concept. */
  | { sequencesContaining: { tokens?: number[]; concept?: string } }
  /** Tokens weighted by routing strength in [0, 1], by token id (see tokenWeightsFromFrequencies); absent ids are not routed. */
  | { tokenWeights: Record<string, number> }
  /** Every example. */
  | { all: true };

export interface RoutingRule {
  name?: string;
  match: RuleMatch;
  /** How strongly matched data is routed, in [0, 1]: the mask is strength * rule mask + (1 - strength) (default 1). */
  strength?: number;
  hooks?: HookTarget[];
  params?: ParamTarget;
}

export interface RoutingSpec {
  version: 1;
  /** Named token sets for `concept` matches. */
  concepts?: Record<string, number[]>;
  /** Applied in order; at each hook point (and for parameters) the first matching rule that targets it wins. */
  rules: RoutingRule[];
}

/** What a spec is validated against: the model's hook points and parameter names. */
export interface RoutingTargets {
  hookNames: readonly string[];
  paramNames?: readonly string[];
}

const MATCH_KEYS = ['labels', 'tokens', 'concept', 'sequencesContaining', 'tokenWeights', 'all'] as const;

function fail(path: string, msg: string): never {
  throw new Error(`routing spec: ${path}: ${msg}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(path: string, v: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(path, `unknown field "${k}" (expected ${allowed.join(', ')})`);
}

function checkNumber(path: string, v: unknown, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a finite number, got ${v === undefined ? 'nothing' : typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
  if (opts.integer && !Number.isInteger(v)) fail(path, `expected an integer, got ${v}`);
  if (opts.min !== undefined && v < opts.min) fail(path, `expected >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) fail(path, `expected <= ${opts.max}, got ${v}`);
  return v;
}

function checkIntList(path: string, v: unknown, min = 0): number[] {
  if (!Array.isArray(v) || v.length === 0) fail(path, 'expected a non-empty array of integers');
  return v.map((x, i) => checkNumber(`${path}[${i}]`, x, { integer: true, min }));
}

/** Converts a parameter glob to a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^.]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function checkDims(path: string, v: unknown): DimRange[] {
  if (!Array.isArray(v) || v.length === 0) fail(path, 'expected a non-empty array of {start, end} or {indices} ranges');
  return v.map((r, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(r)) fail(p, `expected {start, end} or {indices}, got ${JSON.stringify(r)}`);
    if (r.weight !== undefined) checkNumber(`${p}.weight`, r.weight);
    if ('indices' in r) {
      checkKeys(p, r, ['indices', 'weight']);
      if (!Array.isArray(r.indices) || r.indices.length === 0) fail(`${p}.indices`, 'expected a non-empty array of integers');
      r.indices.forEach((x, j) => checkNumber(`${p}.indices[${j}]`, x, { integer: true }));
      return r as DimRange;
    }
    checkKeys(p, r, ['start', 'end', 'weight']);
    checkNumber(`${p}.start`, r.start, { integer: true });
    checkNumber(`${p}.end`, r.end, { integer: true });
    return r as DimRange;
  });
}

function checkMatch(path: string, v: unknown, concepts: Record<string, number[]>): RuleMatch {
  if (!isObject(v)) fail(path, 'expected an object with one of ' + MATCH_KEYS.join(', '));
  const keys = Object.keys(v);
  if (keys.length !== 1 || !(MATCH_KEYS as readonly string[]).includes(keys[0])) {
    fail(path, `expected exactly one of ${MATCH_KEYS.join(', ')}, got ${keys.length ? keys.join(', ') : 'none'}`);
  }
  const key = keys[0];
  const checkConcept = (p: string, name: unknown) => {
    if (typeof name !== 'string' || !(name in concepts)) {
      fail(p, `unknown concept ${JSON.stringify(name)}; defined concepts: ${Object.keys(concepts).join(', ') || 'none'}`);
    }
  };
  if (key === 'labels') checkIntList(`${path}.labels`, v.labels);
  else if (key === 'tokens') checkIntList(`${path}.tokens`, v.tokens);
  else if (key === 'concept') checkConcept(`${path}.concept`, v.concept);
  else if (key === 'sequencesContaining') {
    const s = v.sequencesContaining;
    if (!isObject(s)) fail(`${path}.sequencesContaining`, 'expected {tokens} or {concept}');
    checkKeys(`${path}.sequencesContaining`, s, ['tokens', 'concept']);
    if (s.tokens === undefined && s.concept === undefined) fail(`${path}.sequencesContaining`, 'expected tokens or concept');
    if (s.tokens !== undefined) checkIntList(`${path}.sequencesContaining.tokens`, s.tokens);
    if (s.concept !== undefined) checkConcept(`${path}.sequencesContaining.concept`, s.concept);
  } else if (key === 'tokenWeights') {
    const w = v.tokenWeights;
    if (!isObject(w)) fail(`${path}.tokenWeights`, 'expected an object mapping token ids to weights in [0, 1]');
    for (const [id, x] of Object.entries(w)) {
      if (!/^\d+$/.test(id)) fail(`${path}.tokenWeights`, `key "${id}" is not a token id`);
      checkNumber(`${path}.tokenWeights["${id}"]`, x, { min: 0, max: 1 });
    }
  } else if (v.all !== true) fail(`${path}.all`, 'expected true');
  return v as RuleMatch;
}

/**
 * Checks a parsed spec (e.g. from JSON.parse) and returns it typed. Errors name the field, what
 * was expected and what was found; unknown hook points list the valid ones; parameter globs
 * must each match at least one parameter.
 */
export function validateRoutingSpec(value: unknown, targets: RoutingTargets): RoutingSpec {
  if (!isObject(value)) fail('spec', 'expected an object {version: 1, rules: [...]}');
  checkKeys('spec', value, ['version', 'concepts', 'rules']);
  if (value.version !== 1) fail('version', `expected 1, got ${JSON.stringify(value.version)}`);
  const concepts: Record<string, number[]> = {};
  if (value.concepts !== undefined) {
    if (!isObject(value.concepts)) fail('concepts', 'expected an object mapping names to token id lists');
    for (const [name, ids] of Object.entries(value.concepts)) concepts[name] = checkIntList(`concepts.${name}`, ids);
  }
  if (!Array.isArray(value.rules)) fail('rules', 'expected an array of rules');
  const validHooks = new Set(targets.hookNames);
  value.rules.forEach((rule, i) => {
    const p = `rules[${i}]${isObject(rule) && typeof rule.name === 'string' ? ` ("${rule.name}")` : ''}`;
    if (!isObject(rule)) fail(p, 'expected an object');
    checkKeys(p, rule, ['name', 'match', 'strength', 'hooks', 'params']);
    if (rule.name !== undefined && typeof rule.name !== 'string') fail(`${p}.name`, 'expected a string');
    checkMatch(`${p}.match`, rule.match, concepts);
    if (rule.strength !== undefined) checkNumber(`${p}.strength`, rule.strength, { min: 0, max: 1 });
    if (rule.hooks === undefined && rule.params === undefined) fail(p, 'needs "hooks" or "params" (where the gradient goes)');
    if (rule.hooks !== undefined) {
      if (!Array.isArray(rule.hooks)) fail(`${p}.hooks`, 'expected an array of {hook, dims?, weight?, elsewhere?}');
      const seen = new Set<string>();
      rule.hooks.forEach((t, j) => {
        const tp = `${p}.hooks[${j}]`;
        if (!isObject(t)) fail(tp, 'expected {hook, dims?, weight?, elsewhere?}');
        checkKeys(tp, t, ['hook', 'dims', 'weight', 'elsewhere']);
        if (typeof t.hook !== 'string') fail(`${tp}.hook`, 'expected a hook point name');
        if (!validHooks.has(t.hook)) fail(`${tp}.hook`, `unknown hook point "${t.hook}"; valid hook points: ${targets.hookNames.join(', ')}`);
        if (seen.has(t.hook)) fail(`${tp}.hook`, `hook point "${t.hook}" appears twice in one rule (use several dims ranges instead)`);
        seen.add(t.hook);
        if (t.dims !== undefined) checkDims(`${tp}.dims`, t.dims);
        if (t.weight !== undefined) checkNumber(`${tp}.weight`, t.weight);
        if (t.elsewhere !== undefined) checkNumber(`${tp}.elsewhere`, t.elsewhere);
      });
    }
    if (rule.params !== undefined) {
      const pp = `${p}.params`;
      const t = rule.params;
      if (!isObject(t)) fail(pp, 'expected {groups, weight?, elsewhere?}');
      checkKeys(pp, t, ['groups', 'weight', 'elsewhere']);
      if (!targets.paramNames) fail(pp, 'parameter routing needs the model\'s parameter names');
      const names = targets.paramNames;
      if (!Array.isArray(t.groups) || t.groups.length === 0) fail(`${pp}.groups`, 'expected a non-empty array of parameter-name globs');
      t.groups.forEach((g, j) => {
        if (typeof g !== 'string') fail(`${pp}.groups[${j}]`, 'expected a glob string');
        const re = globToRegExp(g);
        if (!names.some((n) => re.test(n))) {
          const shown = names.slice(0, 12).join(', ') + (names.length > 12 ? `, ... (${names.length} in all)` : '');
          fail(`${pp}.groups[${j}]`, `"${g}" matches no parameter; parameters: ${shown}`);
        }
      });
      if (t.weight !== undefined) checkNumber(`${pp}.weight`, t.weight);
      if (t.elsewhere !== undefined) checkNumber(`${pp}.elsewhere`, t.elsewhere);
      const m = rule.match as Record<string, unknown>;
      if ('tokens' in m || 'concept' in m || 'tokenWeights' in m) {
        fail(pp, 'parameter routing is per example: use labels, sequencesContaining or all (not token matches)');
      }
    }
  });
  return value as unknown as RoutingSpec;
}

/** Parses and validates a spec from JSON text. */
export function parseRoutingSpec(json: string, targets: RoutingTargets): RoutingSpec {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`routing spec: not valid JSON: ${(err as Error).message}`);
  }
  return validateRoutingSpec(value, targets);
}

/** The spec as JSON text (parseRoutingSpec reads it back to an equal spec). */
export function serializeRoutingSpec(spec: RoutingSpec): string {
  return JSON.stringify(spec, null, 2);
}
