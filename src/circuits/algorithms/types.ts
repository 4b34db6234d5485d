// The one signature every discovery algorithm has: (patchable model, dataset, ablation, metric,
// options) -> a score per edge (graph edge order; larger |score| = more important).
import type { Ablation } from '../ablations.js';
import type { Direction } from '../evaluate.js';
import type { Metric } from '../metrics.js';
import type { PatchableModel } from '../patchable-model.js';
import type { CircuitDataset } from '../tasks/dataset.js';

export interface DiscoveryOptions {
  /** "ablate" (default): clean prompts, edges patched with the ablation; "restore": corrupt prompts, edges patched with clean activations. */
  direction?: Direction;
  batchSize?: number;
  /** Interpolation steps of integrated gradients (eap-ig); default 10. */
  steps?: number;
  /** ACDC: an edge is removed when patching it changes the metric by less than this; default 0.01. */
  threshold?: number;
  /** ACDC: candidate edges measured per forward pass (speculatively; same decisions as one at a time); default: about 256 token rows per pass, 1-16. */
  candidates?: number;
  onProgress?: (done: number, total: number) => void;
}

export type DiscoveryAlgorithm = (pm: PatchableModel, dataset: CircuitDataset, ablation: Ablation, metric: Metric, options: DiscoveryOptions) => Float32Array;
