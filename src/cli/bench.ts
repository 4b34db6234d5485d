// `glassbox bench`: parsing only; the harness lives in bench/.
import type { Command } from 'commander';
import { benchJson, runBench } from '../../bench/harness.js';
import { BENCH_CASES, selectCases } from '../../bench/cases.js';
import { formatBenchTable } from '../../bench/table.js';
import { BACKEND_NAMES, type BackendName } from '../engine/backend.js';

function parseBackends(list: string): BackendName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(BACKEND_NAMES as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    throw new Error(`bench --backends: unknown backend ${bad.join(', ') || '(none given)'}; expected some of ${BACKEND_NAMES.join(', ')}`);
  }
  return names as BackendName[];
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('benchmark sgemm, MLP and transformer training steps and a conv trunk against numpy and PyTorch')
    .option('--quick', 'fewer repetitions (a couple of minutes in all)')
    .option('--json', 'print one JSON object on the last line')
    .option('--only <cases>', `comma-separated cases: ${BENCH_CASES.map((c) => c.key).join(', ')}`)
    .option('--profile', 'also print the kernel times of one run of each case on the primary backend')
    .option('--backends <list>', 'glassbox backends to measure, the first compared with the peers (default: the default backend, and cpu)')
    .action(async (opts: { quick?: boolean; json?: boolean; only?: string; backends?: string; profile?: boolean }) => {
      const result = await runBench({
        mode: opts.quick ? 'quick' : 'full',
        cases: selectCases(opts.only),
        backends: opts.backends ? parseBackends(opts.backends) : undefined,
        profile: opts.profile,
        log: (line) => process.stderr.write(`bench: ${line}\n`),
      });
      console.log(formatBenchTable(result));
      if (opts.json) console.log(JSON.stringify(benchJson(result)));
    });
}
