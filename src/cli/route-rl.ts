// `glassbox route rl`: parsing only; the experiment lives in src/route/rl.
import { InvalidArgumentError, type Command } from 'commander';
import { mergeRlResults, runRlExperiment, type RlExperimentOptions } from '../route/rl/experiment.js';
import { parseMethods } from '../route/rl/methods.js';
import { ALGOS, type Algo } from '../route/rl/learner.js';
import { addExperimentOptions, experimentSettings, parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber, type ExperimentCliOptions } from './options.js';

/** Oversight probabilities as fractions, e.g. 0.003,0.01; each must be in [0, 1]. */
export function parseOversights(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new InvalidArgumentError(`expected comma-separated probabilities in [0, 1], got "${value}"`);
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`oversight probability must be in [0, 1] (a fraction: 0.01 is 1 percent), got "${p}"`);
    return n;
  });
}

function parseMethodList(value: string) {
  try {
    return parseMethods(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^--methods: /, ''));
  }
}

function parseAlgo(value: string): Algo {
  if (!(ALGOS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ALGOS.join(', ')}, got "${value}"`);
  return value as Algo;
}

/** The experiment's options under the CLI's names (--out, --oversight), plus --merge. */
type RlOpts = Omit<RlExperimentOptions, 'outDir' | 'seed' | 'quick' | 'oversights' | 'quiet'> & ExperimentCliOptions & { oversight?: number[]; merge?: string };

export function registerRouteRl(route: Command): void {
  const rl = route
    .command('rl')
    .description('scalable oversight: a gridworld agent with diamond/ghost experts, gradient routing on overseen episodes vs naive, filtering, oracle and no-route baselines');
  addExperimentOptions(rl, {
    out: 'run directory for results.json, report.html and checkpoints',
    outDefault: 'runs/route-rl',
    seed: 'first random seed (seeds are seed, seed+1, ...)',
    quick: '1 percent oversight, routing and naive only, one seed, fewer updates',
  })
    .option('--oversight <list>', 'oversight probabilities, comma-separated fractions (default 0.003,0.01,0.025,0.05,0.1)', parseOversights)
    .option('--methods <list>', 'comma-separated: routing, naive, filter, oracle, no-route (default all)', parseMethodList)
    .option('--seeds <n>', 'seeds per method and oversight rate (default 4; quick 1)', parsePositiveInt)
    .option('--algo <name>', 'reinforce (with a value baseline) or ppo', parseAlgo)
    .option('--updates <n>', 'learning updates per run (the oracle runs updates x oversight)', parsePositiveInt)
    .option('--envs <n>', 'environments stepped in parallel (default 512)', parsePositiveInt)
    .option('--rollout-steps <n>', 'steps per environment per update', parsePositiveInt)
    .option('--hidden <n>', 'hidden width of the experts, the gate and the value network', parsePositiveInt)
    .option('--lr <x>', 'Adam learning rate', parsePositiveNumber)
    .option('--gate-coef <x>', 'weight of the gate\'s cross-entropy loss on overseen episodes (which terminal was reached)', parseNonNegativeNumber)
    .option('--gate-oversight', 'the gate sees the oversight plane, as in the reference')
    .option('--no-gate-oversight', 'the gate is blind to the oversight plane (routes by positions only)')
    .option('--merge <dirs>', 'instead of training: combine the runs of these comma-separated run directories into one results.json and report in --out')
    .action(async ({ out, seed, quick, oversight, merge, ...options }: RlOpts) => {
      const r = merge
        ? await mergeRlResults(out, merge.split(',').map((d) => d.trim()).filter(Boolean))
        : await runRlExperiment({ ...options, ...experimentSettings({ out, seed, quick }), oversights: oversight });
      const s = r.summary as Record<string, { diamondRate?: number; ghostRate?: number } | unknown>;
      const fmt = (k: string) => {
        const m = s[k] as { diamondRate?: number; ghostRate?: number } | undefined;
        return m ? `${k}: diamond ${(m.diamondRate ?? NaN).toFixed(3)}, ghost ${(m.ghostRate ?? NaN).toFixed(3)}` : null;
      };
      console.log(`oversight ${s.oversight}: ${['routing', 'naive', 'naiveEarlyStopped', 'filter', 'oracle', 'noRoute'].map(fmt).filter(Boolean).join('; ')}`);
      console.log(`wrote ${r.resultsPath}\nwrote ${r.reportPath}`);
    });
}
