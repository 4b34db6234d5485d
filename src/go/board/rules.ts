// Go rules in KataGo's terms: ko rule, scoring rule, group tax, multi-stone suicide, button,
// white's handicap bonus and whether "friendly" passing with dead stones on the board is fine.
// Presets carry KataGo's names; the JSON form is the one `kata-get-rules` prints (keys sorted, no komi).

export type KoRule = 'SIMPLE' | 'POSITIONAL' | 'SITUATIONAL';
export type ScoringRule = 'AREA' | 'TERRITORY';
export type TaxRule = 'NONE' | 'SEKI' | 'ALL';
export type WhiteHandicapBonus = '0' | 'N' | 'N-1';

export interface Rules {
  ko: KoRule;
  scoring: ScoringRule;
  tax: TaxRule;
  /** Multi-stone suicide legal (single-stone suicide never is). */
  suicide: boolean;
  hasButton: boolean;
  whiteHandicapBonus: WhiteHandicapBonus;
  friendlyPassOk: boolean;
}

interface Preset {
  rules: Rules;
  komi: number;
}

function preset(ko: KoRule, scoring: ScoringRule, tax: TaxRule, suicide: boolean, hasButton: boolean, whiteHandicapBonus: WhiteHandicapBonus, friendlyPassOk: boolean, komi: number): Preset {
  return { rules: { ko, scoring, tax, suicide, hasButton, whiteHandicapBonus, friendlyPassOk }, komi };
}

const PRESETS: Record<string, Preset> = {
  'tromp-taylor': preset('POSITIONAL', 'AREA', 'NONE', true, false, '0', false, 7.5),
  chinese: preset('SIMPLE', 'AREA', 'NONE', false, false, 'N', true, 7.5),
  'chinese-ogs': preset('POSITIONAL', 'AREA', 'NONE', false, false, 'N', true, 7.5),
  'chinese-kgs': preset('POSITIONAL', 'AREA', 'NONE', false, false, 'N', true, 7.5),
  japanese: preset('SIMPLE', 'TERRITORY', 'SEKI', false, false, '0', false, 6.5),
  korean: preset('SIMPLE', 'TERRITORY', 'SEKI', false, false, '0', false, 6.5),
  'stone-scoring': preset('SIMPLE', 'AREA', 'ALL', false, false, '0', true, 7.5),
  aga: preset('SITUATIONAL', 'AREA', 'NONE', false, false, 'N-1', true, 7.5),
  bga: preset('SITUATIONAL', 'AREA', 'NONE', false, false, 'N-1', true, 7.5),
  'new-zealand': preset('SITUATIONAL', 'AREA', 'NONE', true, false, '0', true, 7.0),
  'aga-button': preset('SITUATIONAL', 'AREA', 'NONE', false, true, 'N-1', true, 7.0),
  // Also accepted by KataGo's rules parser, though its GTP documentation does not list them.
  'ancient-territory': preset('SIMPLE', 'TERRITORY', 'ALL', false, false, '0', false, 6.5),
  goe: preset('POSITIONAL', 'AREA', 'NONE', true, false, '0', true, 7.5),
};

/** KataGo's preset names: the ones its documentation lists, in its order, then the others its parser accepts. */
export const RULE_PRESET_NAMES = Object.keys(PRESETS);

const KO_RULES: KoRule[] = ['SIMPLE', 'POSITIONAL', 'SITUATIONAL'];
const SCORING_RULES: ScoringRule[] = ['AREA', 'TERRITORY'];
const TAX_RULES: TaxRule[] = ['NONE', 'SEKI', 'ALL'];
const BONUS_RULES: WhiteHandicapBonus[] = ['0', 'N', 'N-1'];

/** Preset by KataGo name (case-insensitive; '-', '_' and ' ' interchangeable), with its default komi. */
export function rulesPreset(name: string): { rules: Rules; komi: number } {
  const key = name.trim().toLowerCase().replace(/[_ ]/g, '-');
  const alias: Record<string, string> = { tromptaylor: 'tromp-taylor', chineseogs: 'chinese-ogs', chinesekgs: 'chinese-kgs', stonescoring: 'stone-scoring', nz: 'new-zealand', newzealand: 'new-zealand', agabutton: 'aga-button', french: 'aga', ancientarea: 'stone-scoring', 'ancient-area': 'stone-scoring', ancientterritory: 'ancient-territory', ing: 'goe' };
  const p = PRESETS[key] ?? PRESETS[alias[key] ?? ''];
  if (!p) throw new Error(`unknown rules '${name}': expected one of ${RULE_PRESET_NAMES.join(', ')} or a JSON object`);
  return { rules: { ...p.rules }, komi: p.komi };
}

function oneOf<T extends string>(field: string, value: unknown, allowed: T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new Error(`rules field '${field}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function bool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`rules field '${field}' must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Parses rules as KataGo's kata-set-rules does: a preset name, KataGo's compact form (see below), or a
 * JSON object whose fields override the tromp-taylor defaults (`tax` defaulting to SEKI for territory scoring, NONE otherwise). `komi`
 * in the JSON is accepted only when allowKomi; the returned komi is the preset's, the text's, or else KataGo's default
 * for such rules (6.5 territory, 7 button, 7.5 otherwise).
 */
export function parseRules(text: string, allowKomi = false): { rules: Rules; komi: number; isPreset: boolean } {
  const t = text.trim();
  if (!t.startsWith('{')) {
    if (/^(ko|score|scoring|tax|sui|button|whb|fpok|komi)[A-Z0-9]/.test(t)) return parseCompactRules(t, allowKomi);
    const p = rulesPreset(t);
    return { rules: p.rules, komi: p.komi, isPreset: true };
  }
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch (e) {
    throw new Error(`could not parse rules JSON '${t}': ${(e as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error(`rules JSON must be an object, got '${t}'`);
  const rules = rulesPreset('tromp-taylor').rules;
  let taxGiven = false;
  let komi: number | null = null;
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    if (key === 'ko') rules.ko = oneOf(key, value, KO_RULES);
    else if (key === 'scoring' || key === 'score') rules.scoring = oneOf(key, value, SCORING_RULES);
    else if (key === 'tax') { rules.tax = oneOf(key, value, TAX_RULES); taxGiven = true; }
    else if (key === 'suicide') rules.suicide = bool(key, value);
    else if (key === 'hasButton') rules.hasButton = bool(key, value);
    else if (key === 'whiteHandicapBonus') rules.whiteHandicapBonus = oneOf(key, value, BONUS_RULES);
    else if (key === 'friendlyPassOk') rules.friendlyPassOk = bool(key, value);
    else if (key === 'komi' && allowKomi) {
      if (typeof value !== 'number') throw new Error(`rules field 'komi' must be a number, got ${JSON.stringify(value)}`);
      komi = checkKomi(value);
    } else throw new Error(`unknown rules option '${key}'`);
  }
  if (!taxGiven) rules.tax = rules.scoring === 'TERRITORY' ? 'SEKI' : 'NONE';
  if (rules.scoring === 'TERRITORY' && rules.hasButton) throw new Error('rules: territory scoring with a button is not supported');
  return { rules, komi: komi ?? defaultKomi(rules), isPreset: false };
}

/**
 * KataGo's compact rules string, as it writes in SGF RU, e.g. "koPOSITIONALscoreAREAtaxNONEsui1komi7.5":
 * keyword/value pairs over the tromp-taylor defaults.
 */
function parseCompactRules(text: string, allowKomi: boolean): { rules: Rules; komi: number; isPreset: boolean } {
  const rules = rulesPreset('tromp-taylor').rules;
  let rest = text;
  let komi: number | null = null;
  let taxGiven = false;
  const fail = (why: string): never => {
    throw new Error(`could not parse rules '${text}': ${why}`);
  };
  const take = <T extends string>(field: string, values: T[]): T => {
    // Longest value first, so "N-1" wins over "N".
    for (const v of [...values].sort((a, b) => b.length - a.length)) {
      if (rest.startsWith(v)) {
        rest = rest.slice(v.length).trimStart();
        return v;
      }
    }
    return fail(`${field} must be followed by one of ${values.join(', ')}`);
  };
  while (rest.length) {
    const m = /^(komi|ko|scoring|score|tax|sui|button|whb|fpok)/.exec(rest);
    if (!m) fail(`unexpected '${rest}'`);
    const key = m![1];
    rest = rest.slice(key.length).trimStart();
    if (key === 'komi') {
      const k = /^[-+0-9.eE]+/.exec(rest);
      if (!k) fail('komi needs a number');
      if (!allowKomi) fail('komi is not accepted here');
      komi = checkKomi(Number(k![0]));
      rest = rest.slice(k![0].length).trimStart();
    } else if (key === 'ko') rules.ko = take('ko', KO_RULES);
    else if (key === 'score' || key === 'scoring') rules.scoring = take(key, SCORING_RULES);
    else if (key === 'tax') { rules.tax = take('tax', TAX_RULES); taxGiven = true; }
    else if (key === 'sui') rules.suicide = take('sui', ['0', '1']) === '1';
    else if (key === 'button') rules.hasButton = take('button', ['0', '1']) === '1';
    else if (key === 'whb') rules.whiteHandicapBonus = take('whb', BONUS_RULES);
    else rules.friendlyPassOk = take('fpok', ['0', '1']) === '1';
  }
  if (!taxGiven) rules.tax = rules.scoring === 'TERRITORY' ? 'SEKI' : 'NONE';
  return { rules, komi: komi ?? defaultKomi(rules), isPreset: false };
}

/** KataGo's komi for rules given without one: 6.5 under territory scoring, 7 with a button, else 7.5. */
function defaultKomi(r: Rules): number {
  return r.scoring === 'TERRITORY' ? 6.5 : r.hasButton ? 7 : 7.5;
}

/** The JSON KataGo's kata-get-rules prints: every field, keys in sorted order, no komi. */
export function rulesToJson(r: Rules): string {
  return JSON.stringify({
    friendlyPassOk: r.friendlyPassOk,
    hasButton: r.hasButton,
    ko: r.ko,
    scoring: r.scoring,
    suicide: r.suicide,
    tax: r.tax,
    whiteHandicapBonus: r.whiteHandicapBonus,
  });
}

/** The preset name whose fields equal these rules, if any (first in RULE_PRESET_NAMES order). */
export function presetNameOf(r: Rules): string | null {
  for (const name of RULE_PRESET_NAMES) if (rulesToJson(PRESETS[name].rules) === rulesToJson(r)) return name;
  return null;
}

/** KataGo's accepted komi range (Rules::MIN_USER_KOMI / MAX_USER_KOMI); its network inputs clip further. */
export const MAX_ABS_KOMI = 400;

/** Komi must be finite, an integer or half-integer, and within KataGo's accepted range. */
export function checkKomi(komi: number): number {
  if (!Number.isFinite(komi) || Math.abs(komi) > MAX_ABS_KOMI) throw new Error(`unacceptable komi ${komi}: expected a number from -${MAX_ABS_KOMI} to ${MAX_ABS_KOMI}`);
  if (komi * 2 !== Math.round(komi * 2)) throw new Error(`komi must be an integer or half-integer, got ${komi}`);
  return komi;
}

/** Komi from text: a decimal number ("7.5", "-3", "1e1"; not hex, not "Infinity"), checked by checkKomi. */
export function parseKomi(text: string): number {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new Error(`komi is not a number: '${text}'`);
  return checkKomi(Number(t));
}
