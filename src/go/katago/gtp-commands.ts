// KataGo's network GTP command for the glassbox GTP engine: `kata-raw-nn [COLOR] SYMMETRY [OPTIMISM]`
// with SYMMETRY `all` or 0-7, answered in KataGo's text format. Asking for the player who is not to
// move evaluates the position with that player to move and no history, as KataGo does.
import { type Game, parseColor } from '../board/index.js';
import type { Evaluation, KataGoEvaluator } from './evaluator.js';
import { KataGoHistory } from './history.js';
import { formatKataRawNn } from './raw-nn-format.js';
import { NUM_SYMMETRIES } from './symmetry.js';

/** What the GTP engine offers extensions: its current game and a way to add commands. */
export interface GtpHost {
  game: Game;
  registerCommand(name: string, handler: (args: string[]) => string | Promise<string>): void;
}

export interface RawNnArgs {
  /** Player to evaluate for, if given. */
  color: 1 | 2 | null;
  /** Symmetries to evaluate, in order. */
  symmetries: number[];
  policyOptimism: number;
}

const USAGE = "expected an optional color, a symmetry 'all' or index [0-7], and an optional optimism [0-1]";

/** Parses kata-raw-nn's arguments as KataGo does. */
export function parseRawNnArgs(args: string[]): RawNnArgs {
  let i = 0;
  let color: 1 | 2 | null = null;
  if (i < args.length && /^(b|w|black|white)$/i.test(args[i])) color = parseColor(args[i++]);
  if (i >= args.length) throw new Error(`Expected a symmetry argument 'all' or index [0-7] for kata-raw-nn (${USAGE})`);
  const s = args[i++].toLowerCase();
  let symmetries: number[];
  if (s === 'all') symmetries = Array.from({ length: NUM_SYMMETRIES }, (_, k) => k);
  else if (/^\d+$/.test(s) && Number(s) < NUM_SYMMETRIES) symmetries = [Number(s)];
  else throw new Error(`Expected a symmetry argument 'all' or index [0-7] but got '${args[i - 1]}' for kata-raw-nn (${USAGE})`);
  let policyOptimism = 0;
  if (i < args.length) {
    const v = Number(args[i]);
    if (args[i].trim() === '' || !(v >= 0 && v <= 1)) throw new Error(`Expected an optimism value in [0,1] but got '${args[i]}' for kata-raw-nn (${USAGE})`);
    policyOptimism = v;
    i++;
  }
  if (i < args.length) throw new Error(`Unexpected extra argument '${args[i]}' for kata-raw-nn (${USAGE})`);
  return { color, symmetries, policyOptimism };
}

/** Evaluates a game's current position as `kata-raw-nn` would. */
export async function rawNn(evaluator: KataGoEvaluator, game: Game, args: RawNnArgs): Promise<Evaluation[]> {
  let history = KataGoHistory.fromGame(game);
  if (args.color !== null && args.color !== history.toMove) history = history.withoutHistory(args.color);
  return evaluator.evaluate(args.symmetries.map((symmetry) => ({ history, symmetry, policyOptimism: args.policyOptimism })));
}

/** Adds `kata-raw-nn` to a GTP engine. */
export function registerKataGoCommands(host: GtpHost, evaluator: KataGoEvaluator): void {
  host.registerCommand('kata-raw-nn', async (args) => formatKataRawNn(await rawNn(evaluator, host.game, parseRawNnArgs(args))));
}
