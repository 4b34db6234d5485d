// What every benchmark workload provides: a timed unit of work, and for the peer
// correctness check, its state in glassbox layout and the values the peer must reproduce.
import type { Tensor } from '../../src/engine/tfjs.js';

/** A tensor as plain JSON, in glassbox layout (row-major; NHWC; Linear weights [in, out]). */
export interface ExportedTensor {
  shape: number[];
  data: number[];
}

export interface WorkloadState {
  params: Record<string, ExportedTensor>;
  inputs: Record<string, ExportedTensor>;
}

export interface Workload {
  /** One timed unit of work (a training step, a forward pass...); complete when it returns. */
  run(): void;
  /** Parameters and inputs as they are now, for a peer to load. */
  exportState(): WorkloadState;
  /** Values a peer must reproduce from the state exported just before (e.g. the losses of two steps). */
  reference(): Record<string, number[]>;
  dispose(): void;
}

export function exportTensor(t: Tensor): ExportedTensor {
  return { shape: [...t.shape], data: Array.from(t.dataSync()) };
}

export function exportAll(tensors: Record<string, Tensor>): Record<string, ExportedTensor> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, exportTensor(t)]));
}
