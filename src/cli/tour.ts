// `glassbox tour`: parsing only; the tour lives in src/tour.
import { Option, type Command } from 'commander';
import { runTour } from '../tour/tour.js';
import { parseSeed } from './options.js';

export function registerTour(program: Command): void {
  program
    .command('tour')
    .description('run the main job on embedded defaults (train a digit classifier, ...) and write a report')
    .option('--out <dir>', 'run directory for results.json and report.html', 'runs/tour')
    .option('--seed <n>', 'random seed', parseSeed, 0)
    .option('--quick', 'shorter runs, for a quick look')
    .addOption(new Option('--smoke', 'test only: as few iterations as exercise every code path').hideHelp())
    .action(async (opts: { out: string; seed: number; quick?: boolean; smoke?: boolean }) => {
      const r = await runTour({ outDir: opts.out, seed: opts.seed, quick: opts.quick ?? false, smoke: opts.smoke ?? false });
      console.log(`wrote ${r.resultsPath}\nwrote ${r.reportPath}`);
    });
}
