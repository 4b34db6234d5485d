// `kata-analyze` and `lz-analyze` for the GTP engine (with a network), and the search's ownership
// for final_status_list / final_score. Analysis searches the current position (or the given player's,
// with no history, as genmove does) with the engine's search, in rounds of `numThreads` leaves,
// yielding to the event loop between rounds so that the next input line can stop it; every interval
// it writes one report line. There is no visit limit: like KataGo, it searches until stopped. The tree
// is the genmove search's, so it is reused by a following genmove (as KataGo's is).
import type { Game } from '../board/game.js';
import { KataGoHistory } from '../katago/history.js';
import { rootMoveFilter } from '../search/pass-handling.js';
import type { SearchParams } from '../search/params.js';
import { MctsSearch } from '../search/search.js';
import { type OwnershipRecorder, treeOwnership } from '../search/tree-ownership.js';
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

/**
 * White's ownership per point (y * width + x) of a game's position as KataGo's final_status_list
 * estimates it: a fresh search of max(100, 20 x threads) visits (a separate tree, so genmove's is
 * untouched), averaged over the tree. Null for a finished game: KataGo then scores the position as it
 * stands, and so does the engine (its rules-based answer).
 */
export function searchOwnership(recorder: OwnershipRecorder, params: Partial<SearchParams>, seed: number): (game: Game) => Promise<Float32Array | null> {
  // The last answer, for the same game (final_status_list dead, alive and final_score in a row).
  let last: { key: string; ownership: Float32Array } | null = null;
  return async (game) => {
    const history = KataGoHistory.fromGame(game);
    if (history.isGameFinished) return null;
    const key = JSON.stringify([game.width, game.height, game.komi, game.rules, game.toMove, game.board.hashLo, game.board.hashHi, game.moves]);
    if (last?.key === key) return last.ownership;
    const threads = params.numThreads ?? 1;
    const search = new MctsSearch(recorder, { ...params, maxVisits: Math.max(100, 20 * threads), treeReuse: false, rootNoiseEnabled: false }, { seed });
    search.setPosition(history);
    await search.search();
    last = { key, ownership: Float32Array.from(treeOwnership(search.rootNode!, recorder).mean) };
    return last.ownership;
  };
}
