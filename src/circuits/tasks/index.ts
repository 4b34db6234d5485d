// The task registry: a circuit task by name.
import { maxTask } from './algorithmic.js';
import { docstringTask } from './docstring.js';
import { greaterThanTask } from './greater-than.js';
import { inductionTask } from './induction.js';
import { ioiTask } from './ioi.js';
import type { CircuitTask } from './task.js';
import { nearMatchText } from '../graph.js';

export const TASKS: Record<string, () => CircuitTask> = {
  induction: () => inductionTask(),
  ioi: ioiTask,
  'greater-than': greaterThanTask,
  docstring: docstringTask,
  max: () => maxTask(),
};

export function taskByName(name: string): CircuitTask {
  const make = TASKS[name];
  if (!make) throw new Error(`unknown task "${name}"${nearMatchText(name, Object.keys(TASKS))}; tasks: ${Object.keys(TASKS).join(', ')}`);
  return make();
}

export type { CircuitTask, WordPrompt, TrainingExample, TaskModelShape } from './task.js';
export { inductionTask, ioiTask, greaterThanTask, docstringTask, maxTask };
export * from './dataset.js';
