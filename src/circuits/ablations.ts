// Ablations: the replacement source activations [S, batch, pos, d] for a batch, selected by name.
//   zero                          all zeros
//   resample                      the corrupt prompts' own activations (patching)
//   tokenwise-mean-clean          mean over the whole dataset's clean prompts, per position
//   tokenwise-mean-corrupt        ... corrupt prompts
//   tokenwise-mean-clean-corrupt  ... clean and corrupt prompts together
//   batch-tokenwise-mean-clean|corrupt|clean-corrupt
//                                 mean over this batch's clean / corrupt / both prompts, per position
//                                 (auto-circuit's batch means take one side, corrupt by default)
//   batch-all-token-mean-clean|corrupt|clean-corrupt
//                                 ... over this batch's prompts and all their positions
//   mean-per-position             per-position mean over the dataset's corrupt prompts sharing
//                                 the prompt's template (metadata.template; one group when
//                                 absent), as the IOI paper's mean ablation (ABC prompts, means
//                                 taken per template)
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { PatchableModel } from './patchable-model.js';
import { nearMatchText } from './graph.js';
import type { CircuitDataset, Prompt } from './tasks/dataset.js';

export const ABLATION_NAMES = [
  'zero',
  'resample',
  'tokenwise-mean-clean',
  'tokenwise-mean-corrupt',
  'tokenwise-mean-clean-corrupt',
  'batch-tokenwise-mean-clean',
  'batch-tokenwise-mean-corrupt',
  'batch-tokenwise-mean-clean-corrupt',
  'batch-all-token-mean-clean',
  'batch-all-token-mean-corrupt',
  'batch-all-token-mean-clean-corrupt',
  'mean-per-position',
] as const;
export type AblationName = (typeof ABLATION_NAMES)[number];

export interface Ablation {
  name: AblationName;
  /** Replacement source activations [S, batch, pos, d] for these prompts (the caller disposes). */
  valuesFor(prompts: readonly Prompt[]): Tensor;
  dispose(): void;
}

export function checkAblationName(name: string): AblationName {
  if (!(ABLATION_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown ablation "${name}"${nearMatchText(name, ABLATION_NAMES)}; ablations: ${ABLATION_NAMES.join(', ')}`);
  }
  return name as AblationName;
}

const BATCH = 32;

/** Sum over prompts of source activations [S, pos, d] of the chosen prompt sides. */
function sumSources(pm: PatchableModel, prompts: readonly Prompt[], sides: ('clean' | 'corrupt')[]): { sum: Tensor; count: number } {
  let sum: Tensor | null = null;
  let count = 0;
  for (let i = 0; i < prompts.length; i += BATCH) {
    const chunk = prompts.slice(i, i + BATCH);
    for (const side of sides) {
      const acts = pm.sourceActivations(chunk.map((p) => p[side]));
      const s = tf.sum(acts, 1);
      acts.dispose();
      if (sum) {
        const next: Tensor = tf.add(sum, s);
        sum.dispose();
        s.dispose();
        sum = next;
      } else sum = s;
      count += chunk.length;
    }
  }
  return { sum: sum!, count };
}

function meanSources(pm: PatchableModel, prompts: readonly Prompt[], sides: ('clean' | 'corrupt')[]): Tensor {
  const { sum, count } = sumSources(pm, prompts, sides);
  const mean = tf.div(sum, count);
  sum.dispose();
  return mean; // [S, pos, d]
}

/** Broadcasts per-position means [S, pos, d] to [S, batch, pos, d]. */
function repeatOverBatch(mean: Tensor, batch: number): Tensor {
  const [S, p, d] = mean.shape;
  return tf.broadcastTo(tf.reshape(mean, [S, 1, p, d]), [S, batch, p, d]);
}

/** The prompt sides a mean ablation averages over, from its name's suffix. */
function sidesOf(name: AblationName): ('clean' | 'corrupt')[] {
  if (name.endsWith('-clean-corrupt')) return ['clean', 'corrupt'];
  return name.endsWith('-clean') ? ['clean'] : ['corrupt'];
}

/** An ablation over `dataset` (dataset-wide means are computed once, here). */
export function makeAblation(name: string, pm: PatchableModel, dataset: CircuitDataset): Ablation {
  const n = checkAblationName(name);
  const S = pm.graph.sources.length;
  const d = pm.cfg.dModel;
  const shapeOf = (prompts: readonly Prompt[]) => [S, prompts.length, prompts[0].clean.length, d];
  switch (n) {
    case 'zero':
      return { name: n, valuesFor: (ps) => tf.zeros(shapeOf(ps)), dispose: () => {} };
    case 'resample':
      return { name: n, valuesFor: (ps) => pm.sourceActivations(ps.map((p) => p.corrupt)), dispose: () => {} };
    case 'tokenwise-mean-clean':
    case 'tokenwise-mean-corrupt':
    case 'tokenwise-mean-clean-corrupt': {
      const mean = meanSources(pm, dataset.prompts, sidesOf(n));
      return { name: n, valuesFor: (ps) => repeatOverBatch(mean, ps.length), dispose: () => mean.dispose() };
    }
    case 'batch-tokenwise-mean-clean':
    case 'batch-tokenwise-mean-corrupt':
    case 'batch-tokenwise-mean-clean-corrupt':
      return { name: n, valuesFor: (ps) => tf.tidy(() => repeatOverBatch(meanSources(pm, ps, sidesOf(n)), ps.length)), dispose: () => {} };
    case 'batch-all-token-mean-clean':
    case 'batch-all-token-mean-corrupt':
    case 'batch-all-token-mean-clean-corrupt':
      return {
        name: n,
        valuesFor: (ps) => tf.tidy(() => {
          const m = tf.mean(meanSources(pm, ps, sidesOf(n)), 1, true); // [S, 1, d]
          return tf.broadcastTo(tf.reshape(m, [S, 1, 1, d]), shapeOf(ps));
        }),
        dispose: () => {},
      };
    case 'mean-per-position': {
      const groupOf = (p: Prompt) => String(p.metadata?.template ?? '');
      const groups = new Map<string, Prompt[]>();
      for (const p of dataset.prompts) groups.set(groupOf(p), [...(groups.get(groupOf(p)) ?? []), p]);
      const means = new Map<string, Tensor>();
      for (const [g, ps] of groups) means.set(g, meanSources(pm, ps, ['corrupt']));
      return {
        name: n,
        valuesFor: (ps) => tf.tidy(() => {
          const parts = ps.map((p) => {
            const m = means.get(groupOf(p));
            if (!m) throw new Error(`mean-per-position: template "${groupOf(p)}" does not occur in the dataset the ablation was built from`);
            return tf.expandDims(m, 1);
          });
          return tf.concat(parts, 1);
        }),
        dispose: () => means.forEach((m) => m.dispose()),
      };
    }
  }
}
