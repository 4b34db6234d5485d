// Search speed: visits per second of full searches (fresh tree each time) from seeded random opening
// positions, at a given number of search threads (leaves in flight at once), as for `npm run bench`.
import { randomPositions } from '../katago/bench.js';
import type { Evaluator } from '../katago/evaluator.js';
import { MctsSearch } from './search.js';

export interface SearchBenchOptions {
  boardSize: number;
  threads: number;
  /** Visits per search (default 200). */
  visits?: number;
  /** Keep searching new positions for at least this long, after one warm-up search. */
  seconds: number;
  seed?: number;
}

export interface SearchBenchResult {
  visitsPerSecond: number;
  evalsPerSecond: number;
  /** Process CPU time (all threads) per visit, ms: less disturbed than the rate by other processes. */
  cpuMsPerVisit: number;
  searches: number;
  board: number;
  threads: number;
}

export async function benchSearch(evaluator: Evaluator, opts: SearchBenchOptions): Promise<SearchBenchResult> {
  const visits = opts.visits ?? 200;
  const positions = randomPositions(64, opts.boardSize, Math.min(20, Math.floor((opts.boardSize * opts.boardSize) / 4)), opts.seed ?? 1);
  const searchOnce = async (i: number) => {
    const s = new MctsSearch(evaluator, { maxVisits: visits, numThreads: opts.threads }, { seed: i });
    s.setPosition(positions[i % positions.length]);
    return s.search();
  };
  await searchOnce(0);
  let searches = 0;
  let totalVisits = 0;
  let evals = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < opts.seconds * 1000 || searches === 0) {
    const r = await searchOnce(searches + 1);
    searches++;
    totalVisits += r.rootVisits;
    evals += r.evals;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    visitsPerSecond: (totalVisits * 1000) / elapsed, evalsPerSecond: (evals * 1000) / elapsed,
    cpuMsPerVisit: (cpu.user + cpu.system) / 1000 / totalVisits, searches, board: opts.boardSize, threads: opts.threads,
  };
}
