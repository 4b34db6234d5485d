// The Go benchmark (issue 8): KataGo network evaluations per second (g170-b6c96, 19x19, batch 16),
// MCTS visits per second (19x19, 2 search threads = 2 leaves in flight, each evaluated on its own
// core while the other thread descends; src/go/search/README.md), and random playouts
// per second of the rules engine (9x9 and 19x19). The network is ../shared/katago/ beside the
// repository; without it the network figures are null. KataGo's own figures on this kind of machine
// (v1.17.2, Eigen/AVX2, `katago benchmark`, same network; ../shared/katago/README.md) are reported
// beside them.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPlayouts } from '../src/go/board/playout.js';
import { benchEvaluator } from '../src/go/katago/bench.js';
import { KataGoEvaluator } from '../src/go/katago/evaluator.js';
import { benchSearch } from '../src/go/search/bench.js';

export const GO_MODEL = join(fileURLToPath(new URL('../', import.meta.url)), '..', 'shared', 'katago', 'g170-b6c96-s175395328-d26788732.bin.gz');

/** KataGo v1.17.2 (Eigen, AVX2), this network, 2-core machine: from ../shared/katago/README.md. */
export const KATAGO_REFERENCE = { board: 19, threads: 2, visits_per_s: 345, nn_evals_per_s: 314, note: 'katago benchmark, avg batch 1.0' };

export interface GoBenchResult {
  nn_evals_per_s: number | null;
  visits_per_s: number | null;
  board: 19;
  threads: 2;
  batch: 16;
  playouts_per_s: { '9x9': number; '19x19': number };
  katago_reference: typeof KATAGO_REFERENCE;
  model: string | null;
  /**
   * CPU time (all threads) per network evaluation and per search visit: less disturbed than the rates
   * by other processes on a shared machine. The load average is taken when the figures are.
   */
  cpu_ms_per_eval: number | null;
  cpu_ms_per_visit: number | null;
  load_average_1m: number;
}

export async function runGoBench(opts: { quick: boolean; log?: (line: string) => void }): Promise<GoBenchResult> {
  const log = opts.log ?? (() => {});
  const seconds = opts.quick ? 2 : 6;
  log('go: random playouts...');
  const p9 = benchPlayouts({ width: 9, seconds: seconds / 2 });
  const p19 = benchPlayouts({ width: 19, seconds: seconds / 2 });
  const out: GoBenchResult = {
    nn_evals_per_s: null,
    visits_per_s: null,
    board: 19,
    threads: 2,
    batch: 16,
    playouts_per_s: { '9x9': Math.round(p9.playoutsPerSecond), '19x19': Math.round(p19.playoutsPerSecond) },
    katago_reference: KATAGO_REFERENCE,
    model: null,
    cpu_ms_per_eval: null,
    cpu_ms_per_visit: null,
    load_average_1m: Number(loadavg()[0].toFixed(2)),
  };
  if (!existsSync(GO_MODEL)) {
    log(`go: ${GO_MODEL} not found; network figures are null`);
    return out;
  }
  out.model = 'g170-b6c96-s175395328-d26788732';
  const evaluator = KataGoEvaluator.fromFile(GO_MODEL, { maxBatch: 16 });
  try {
    log('go: network evaluations (19x19, batch 16)...');
    const ev = await benchEvaluator(evaluator, { boardSize: 19, batch: 16, seconds });
    out.nn_evals_per_s = Number(ev.evalsPerSecond.toPrecision(4));
    out.cpu_ms_per_eval = Number(ev.cpuMsPerEval.toPrecision(3));
    log('go: search visits (19x19, 2 threads)...');
    const sr = await benchSearch(evaluator, { boardSize: 19, threads: 2, seconds, visits: opts.quick ? 50 : 200 });
    out.visits_per_s = Number(sr.visitsPerSecond.toPrecision(4));
    out.cpu_ms_per_visit = Number(sr.cpuMsPerVisit.toPrecision(3));
    out.load_average_1m = Number(loadavg()[0].toFixed(2));
  } finally {
    evaluator.dispose();
  }
  return out;
}

export function formatGoBench(r: GoBenchResult): string {
  const f = (x: number | null): string => (x === null ? 'n/a (network not found)' : String(x));
  return [
    'go (g170-b6c96, 19x19):',
    `  nn evals/s, batch 16:      ${f(r.nn_evals_per_s)}   (KataGo Eigen, 2 threads: ${KATAGO_REFERENCE.nn_evals_per_s})`,
    `  search visits/s, 2 threads: ${f(r.visits_per_s)}   (KataGo Eigen: ${KATAGO_REFERENCE.visits_per_s})`,
    `  CPU ms (all threads) per evaluation ${r.cpu_ms_per_eval ?? 'n/a'}, per visit ${r.cpu_ms_per_visit ?? 'n/a'}; load average ${r.load_average_1m}`,
    `  random playouts/s: 9x9 ${r.playouts_per_s['9x9']}, 19x19 ${r.playouts_per_s['19x19']}`,
  ].join('\n');
}
