// Bots from short specs, as `glassbox go match --black SPEC --white SPEC` takes them:
//   katago:PATH[:visits=N][:threads=T][:passing=BEHAVIOUR][:temperature=T|gtp][:noise=1]
//     (temperature: the chosen-move temperature, early and late; `gtp` = KataGo's GTP 0.5 -> 0.1)
//   gnugo[:level=L]
//   random[:pass-after-pass=1]        (uniform legal move that never fills its own eyes)
//   pass | edge | spiral | mirror[:pass-when-winning=1]
import type { Evaluator } from '../katago/evaluator.js';
import { KataGoEvaluator } from '../katago/evaluator.js';
import { PASSING_BEHAVIORS, kataGoGtpTemperatures, type PassingBehavior, type SearchParams } from '../search/params.js';
import { ATTACK_NAMES, AttackBot, type AttackName } from './attacks.js';
import type { Bot } from './bot.js';
import { spawnGnuGo } from './gnugo.js';
import { KataGoBot } from './katago.js';
import { RandomBot } from './random.js';

export interface BotSpec {
  kind: 'katago' | 'gnugo' | 'random' | AttackName;
  /** Model path (katago). */
  path?: string;
  options: Record<string, string>;
  text: string;
}

export function parseBotSpec(text: string): BotSpec {
  const parts = text.split(':');
  const kind = parts[0];
  const options: Record<string, string> = {};
  let rest = parts.slice(1);
  // Options are the trailing key=value parts; for katago everything before them is the path (may contain ':').
  let firstOpt = rest.length;
  while (firstOpt > 0 && /^[a-z-]+=/.test(rest[firstOpt - 1])) firstOpt--;
  for (const o of rest.slice(firstOpt)) {
    const i = o.indexOf('=');
    options[o.slice(0, i)] = o.slice(i + 1);
  }
  rest = rest.slice(0, firstOpt);
  if (kind === 'katago') {
    if (!rest.length || !rest.join(':')) throw new Error(`bot spec '${text}': katago needs a model path, e.g. katago:model.bin.gz:visits=64`);
    return { kind, path: rest.join(':'), options, text };
  }
  if (rest.length) throw new Error(`bot spec '${text}': unexpected '${rest.join(':')}' (options are key=value)`);
  if (kind === 'gnugo' || kind === 'random' || (ATTACK_NAMES as readonly string[]).includes(kind)) return { kind: kind as BotSpec['kind'], options, text };
  throw new Error(`bot spec '${text}': unknown bot '${kind}' (expected katago:PATH, gnugo, random, ${ATTACK_NAMES.join(', ')})`);
}

const ALLOWED: Record<BotSpec['kind'], string[]> = {
  katago: ['visits', 'threads', 'passing', 'temperature', 'noise', 'cache'],
  gnugo: ['level'],
  random: ['pass-after-pass'],
  pass: ['pass-when-winning'],
  edge: ['pass-when-winning'],
  spiral: ['pass-when-winning'],
  mirror: ['pass-when-winning'],
};

function intOpt(spec: BotSpec, key: string, def: number, min: number): number {
  const v = spec.options[key];
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`bot spec '${spec.text}': ${key} must be an integer >= ${min}, got '${v}'`);
  return Number(v);
}

function boolOpt(spec: BotSpec, key: string): boolean {
  const v = spec.options[key];
  if (v === undefined || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new Error(`bot spec '${spec.text}': ${key} must be 0/1 or true/false, got '${v}'`);
}

export interface BotContext {
  seed: number;
  /** Evaluators by model path, shared between bots (and their caches). */
  evaluators?: Map<string, Evaluator>;
}

/** Builds the bot a spec describes. Call initBackend() first when a katago bot is involved. */
export function createBot(spec: BotSpec, ctx: BotContext): Bot {
  for (const k of Object.keys(spec.options)) {
    if (!ALLOWED[spec.kind].includes(k)) throw new Error(`bot spec '${spec.text}': unknown option '${k}' for ${spec.kind} (allowed: ${ALLOWED[spec.kind].join(', ') || 'none'})`);
  }
  switch (spec.kind) {
    case 'katago': {
      const evaluators = ctx.evaluators ?? new Map<string, Evaluator>();
      let ev = evaluators.get(spec.path!);
      if (!ev) {
        ev = KataGoEvaluator.fromFile(spec.path!, { cacheEntries: intOpt(spec, 'cache', 50_000, 0) });
        evaluators.set(spec.path!, ev);
      }
      const passing = (spec.options.passing ?? 'standard') as PassingBehavior;
      if (!PASSING_BEHAVIORS.includes(passing)) throw new Error(`bot spec '${spec.text}': passing must be one of ${PASSING_BEHAVIORS.join(', ')}`);
      const params: Partial<SearchParams> = { numThreads: intOpt(spec, 'threads', 1, 1), passingBehavior: passing, rootNoiseEnabled: boolOpt(spec, 'noise') };
      if (spec.options.temperature === 'gtp') {
        Object.assign(params, kataGoGtpTemperatures);
      } else if (spec.options.temperature !== undefined) {
        const t = Number(spec.options.temperature);
        if (!(t >= 0)) throw new Error(`bot spec '${spec.text}': temperature must be a number >= 0 or gtp`);
        params.chosenMoveTemperature = t;
        params.chosenMoveTemperatureEarly = t;
      }
      return new KataGoBot(ev, { visits: intOpt(spec, 'visits', 64, 1), params, seed: ctx.seed });
    }
    case 'gnugo':
      return spawnGnuGo({ level: intOpt(spec, 'level', 10, 0), seed: ctx.seed });
    case 'random':
      return new RandomBot(ctx.seed, { passAfterPass: boolOpt(spec, 'pass-after-pass') });
    default:
      return new AttackBot(spec.kind, { seed: ctx.seed, passWhenWinning: boolOpt(spec, 'pass-when-winning') });
  }
}
