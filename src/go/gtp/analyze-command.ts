// `kata-analyze` and `lz-analyze` for the GTP engine (with a network), and the network's ownership
// for final_status_list / final_score. Analysis searches the current position (or the given player's,
// with no history, as genmove does) with the engine's search, in rounds of `numThreads` leaves,
// yielding to the event loop between rounds so that the next input line can stop it; every interval
// it writes one report line. There is no visit limit: like KataGo, it searches until stopped. The tree
// is the genmove search's, so it is reused by a following genmove (as KataGo's is).
import type { Game } from '../board/game.js';
import type { Evaluator } from '../katago/evaluator.js';
import { KataGoHistory } from '../katago/history.js';
import { NUM_SYMMETRIES } from '../katago/symmetry.js';
import { rootMoveFilter } from '../search/pass-handling.js';
import type { MctsSearch } from '../search/search.js';
import type { OwnershipRecorder } from '../search/tree-ownership.js';
import { analysisLine } from './analysis.js';
import { type AnalyzeArgs, parseAnalyzeArgs } from './analyze-args.js';
import { type GtpEngine, GtpStream } from './engine.js';

/** Replaces the engine's model-less kata-analyze / lz-analyze with the real ones. `search` must evaluate through `recorder`. */
export function registerAnalyzeCommands(engine: GtpEngine, search: MctsSearch, recorder: OwnershipRecorder): void {
  engine.registerCommand('kata-analyze', (a) => analyze(engine.game, search, recorder, parseAnalyzeArgs('kata', a)));
  engine.registerCommand('lz-analyze', (a) => analyze(engine.game, search, recorder, parseAnalyzeArgs('lz', a)));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function analyze(game: Game, search: MctsSearch, recorder: OwnershipRecorder, args: AnalyzeArgs): GtpStream {
  let history = KataGoHistory.fromGame(game);
  if (args.player !== null && args.player !== history.toMove) history = history.withoutHistory(args.player);
  if (history.isGameFinished) throw new Error('the game is over: nothing to analyze (undo a pass or clear the board)');
  return new GtpStream(async (write, stop) => {
    search.setPosition(history);
    const root = search.rootNode!;
    const allowed = rootMoveFilter(root.history, search.params.passingBehavior);
    const intervalMs = args.intervalSeconds === null ? null : args.intervalSeconds * 1000;
    let lastReport = Date.now();
    let searching = true;
    while (!stop.stopped) {
      if (searching) {
        const before = root.stats.visits;
        await search.search(before + search.params.numThreads);
        if (root.stats.visits === before) searching = false;
        // Let pending input (the line that stops analysis) be read.
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await pause(Math.min(intervalMs ?? 50, 50));
      }
      if (stop.stopped) break;
      if (intervalMs !== null && Date.now() - lastReport >= intervalMs) {
        lastReport = Date.now();
        const line = analysisLine(root, search.params, allowed, args, recorder);
        if (line !== null) write(`${line}\n`);
      }
    }
  });
}

/** White's ownership per point (y * width + x) from the network, averaged over the 8 symmetries. */
export async function networkOwnership(evaluator: Evaluator, game: Game): Promise<Float32Array> {
  const history = KataGoHistory.fromGame(game);
  const evals = await evaluator.evaluate(Array.from({ length: NUM_SYMMETRIES }, (_, symmetry) => ({ history, symmetry })));
  const out = new Float32Array(game.width * game.height);
  for (const e of evals) for (let i = 0; i < out.length; i++) out[i] += e.whiteOwnership[i] / evals.length;
  return out;
}
