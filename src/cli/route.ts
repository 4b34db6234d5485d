// `glassbox route ...`: parsing only; the experiments live in src/route.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { runRouteMnist } from '../route/mnist/run.js';
import type { RouteMnistConfig } from '../route/mnist/experiment.js';
import { registerRouteRl } from './route-rl.js';
import { addExperimentOptions, experimentSettings, parseNumber, parsePositiveInt, type ExperimentCliOptions } from './options.js';

function parsePercent(value: string): number {
  const n = parseNumber(value);
  if (n < 0 || n > 100) throw new InvalidArgumentError(`expected a percentage in [0, 100], got "${value}"`);
  return n;
}

function parseWidths(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError(`expected comma-separated positive widths like 2048,512, got "${value}"`);
  }
  return parts.map(Number);
}

interface MnistOpts extends ExperimentCliOptions {
  tiny?: boolean;
  dataset: string;
  routingPct: number;
  route: boolean;
  paramRouting?: boolean;
  sweep?: boolean;
  control: boolean;
  steps?: number;
  certSteps?: number;
  batchSize?: number;
  lr?: number;
  certLr?: number;
  l1First?: number;
  l1Second?: number;
  corr?: number;
  hidden?: number[];
  certHidden?: number[];
  certSchedule?: 'joint' | 'after';
  pixels?: 'symmetric' | 'unit';
}

/** The configuration fields given on the command line (an absent option keeps the preset's value). */
function configOverrides(opts: MnistOpts): Partial<RouteMnistConfig> {
  const { steps, certSteps, batchSize, lr, certLr, l1First, l1Second, corr, hidden, certHidden, certSchedule, pixels } = opts;
  const given: Partial<RouteMnistConfig> = { steps, certSteps, batchSize, lr, certLr, l1First, l1Second, corrCoef: corr, hidden, certHidden, certSchedule, pixelRange: pixels };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}

export function registerRoute(program: Command): void {
  const route = program.command('route').description('gradient routing experiments');
  const mnist = route
    .command('mnist')
    .description('partitioned autoencoder: classes 0-4 routed through one code half, 5-9 through the other; certificate decoders per half');
  addExperimentOptions(mnist, {
    out: 'run directory for results.json, report.html and checkpoints',
    outDefault: 'runs/route-mnist',
    quick: 'smaller widths and fewer steps: about a minute per variant natively (the full run: about 20)',
  })
    .addOption(new Option('--tiny', 'test only: a seconds-long configuration').hideHelp())
    .option('--dataset <name>', 'digits (embedded), fashion (Fashion-MNIST IDX files; GLASSBOX_FASHION_MNIST_DIR overrides the path) or idx:DIR', 'digits')
    .option('--routing-pct <p>', 'percent of training examples that are routed (the rest train unrouted)', parsePercent, 100)
    .option('--no-route', 'run only the no-route control')
    .option('--param-routing', 'route by per-example parameter masks instead of activation masks (adds an activation-routed run for comparison)')
    .option('--sweep', 'also run routing percentages 100, 50, 10 and 1')
    .option('--no-control', 'skip the no-route control run')
    .option('--steps <n>', 'autoencoder training steps', parsePositiveInt)
    .option('--cert-steps <n>', 'certificate decoder training steps', parsePositiveInt)
    .option('--batch-size <n>', 'autoencoder batch size', parsePositiveInt)
    .option('--lr <x>', 'Adam learning rate of the autoencoder', parseNumber)
    .option('--cert-lr <x>', 'Adam learning rate of the certificate decoders', parseNumber)
    .option('--l1-first <x>', 'L1 penalty coefficient on the first code half', parseNumber)
    .option('--l1-second <x>', 'L1 penalty coefficient on the second code half', parseNumber)
    .option('--corr <x>', 'cross-half correlation penalty coefficient', parseNumber)
    .option('--hidden <widths>', 'encoder hidden widths, e.g. 2048,512 (the decoder mirrors them)', parseWidths)
    .option('--cert-hidden <widths>', 'certificate decoder hidden widths (mirrored)', parseWidths)
    .addOption(new Option('--pixels <range>', 'pixel scale the networks see: symmetric ([-1, 1], as the reference) or unit ([0, 1])').choices(['symmetric', 'unit']))
    .addOption(new Option('--cert-schedule <when>', 'train the certificates alongside the autoencoder (joint, as the reference) or after it').choices(['joint', 'after']))
    .action(async (opts: MnistOpts) => {
      const r = await runRouteMnist({
        ...experimentSettings(opts),
        tiny: opts.tiny ?? false,
        dataset: opts.dataset,
        routingPct: opts.routingPct,
        noRoute: !opts.route,
        paramRouting: opts.paramRouting ?? false,
        sweep: opts.sweep ?? false,
        control: opts.control,
        config: configOverrides(opts),
      });
      const s = r.summary;
      const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : 'n/a');
      console.log(`own-vs-other error ratio: routed ${fmt(s.ownVsOtherErrorRatio)}, control ${fmt(s.controlOwnVsOtherErrorRatio)}`);
      console.log(`wrote ${r.resultsPath}\nwrote ${r.reportPath}`);
      if (r.interrupted) process.exitCode = 130;
    });
  registerRouteRl(route);
}
