// `glassbox bench`: parsing only; the harness lives in bench/.
import type { Command } from 'commander';
import { benchJson, runBench } from '../../bench/harness.js';
import { BENCH_CASES, selectCases } from '../../bench/cases.js';
import { formatBenchTable } from '../../bench/table.js';
import { formatGoBench, runGoBench } from '../../bench/go.js';
import { benchPatching } from '../circuits/bench.js';
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
    .option('--only <cases>', `comma-separated cases: ${BENCH_CASES.map((c) => c.key).join(', ')}, go, patching`)
    .option('--profile', 'also print the kernel times of one run of each case on the primary backend')
    .option('--backends <list>', 'glassbox backends to measure, the first compared with the peers (default: the default backend, and cpu)')
    .action(async (opts: { quick?: boolean; json?: boolean; only?: string; backends?: string; profile?: boolean }) => {
      // `go` (network evals/s, search visits/s, playouts/s) is measured apart from the timed-workload cases.
      const only = opts.only?.split(',').map((x) => x.trim()).filter(Boolean);
      const withGo = !only || only.includes('go');
      // `patching` (circuit edge patching cost over a plain pass, GPT-2-small shapes) likewise.
      const withPatching = !only || only.includes('patching');
      const rest = only?.filter((x) => x !== 'go' && x !== 'patching');
      const result = await runBench({
        mode: opts.quick ? 'quick' : 'full',
        cases: rest && rest.length === 0 ? [] : selectCases(rest?.join(',')),
        backends: opts.backends ? parseBackends(opts.backends) : undefined,
        profile: opts.profile,
        log: (line) => process.stderr.write(`bench: ${line}\n`),
      });
      const go = withGo ? await runGoBench({ quick: !!opts.quick, log: (line) => process.stderr.write(`bench: ${line}\n`) }) : null;
      const patching = withPatching ? benchPatching({ reps: opts.quick ? 1 : 3, log: (line) => process.stderr.write(`bench: ${line}\n`) }) : null;
      if (result.cases.length) console.log(formatBenchTable(result));
      if (patching) console.log(`patching (${patching.edges} edges): forward x${patching.forward_ratio}, mask gradients x${patching.grad_ratio}`);
      if (go) console.log(formatGoBench(go));
      if (opts.json) console.log(JSON.stringify({ ...benchJson(result), ...(go ? { go } : {}), ...(patching ? { patching } : {}) }));
    });
}
