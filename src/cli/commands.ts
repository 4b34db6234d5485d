// Every command group of the CLI, in the order `glassbox --help` lists them.
import type { Command } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerBench } from './bench.js';
import { registerTour } from './tour.js';
import { registerGo } from './go.js';
import { registerLm } from './lm.js';
import { registerCircuits } from './circuits.js';
import { registerRoute } from './route.js';

export function registerCommands(program: Command): void {
  registerTour(program);
  registerDoctor(program);
  registerBench(program);
  registerGo(program);
  registerLm(program);
  registerCircuits(program);
  registerRoute(program);
}
