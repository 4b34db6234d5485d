// `glassbox tour`: parsing only; the tour lives in src/tour.
import { Option, type Command } from 'commander';
import { runTour } from '../tour/tour.js';
import { addExperimentOptions, experimentSettings, type ExperimentCliOptions } from './options.js';

export function registerTour(program: Command): void {
  const tour = program
    .command('tour')
    .description('run the main job on embedded defaults (train a digit classifier, ...) and write a report');
  addExperimentOptions(tour, { out: 'run directory for results.json and report.html', outDefault: 'runs/tour', quick: 'shorter runs, for a quick look' })
    .addOption(new Option('--smoke', 'test only: as few iterations as exercise every code path').hideHelp())
    .action(async (opts: ExperimentCliOptions & { smoke?: boolean }) => {
      const r = await runTour({ ...experimentSettings(opts), smoke: opts.smoke ?? false });
      console.log(`wrote ${r.resultsPath}\nwrote ${r.reportPath}`);
    });
}
