// Faithfulness of circuits: one edge set against the full and the fully patched model, and
// curves over circuits of increasing size taken from edge scores (the prepared batches, and so
// the ablation activations, are computed once for the whole sweep).
import { evaluateMask, evaluateMasks, masksPerPass, patchMask, type PatchSet, type PreparedBatch } from './evaluate.js';
import { meanOf, percentOfFull, type Metric } from './metrics.js';
import type { PatchableModel } from './patchable-model.js';

export interface CircuitEvaluation {
  metric: string;
  edges: number;
  /** Mean metric value of the circuit, of the full model (every edge in the circuit) and of the empty circuit. */
  circuit: number;
  fullModel: number;
  emptyCircuit: number;
  /** 100 * circuit / full model, as the ratio of averages and the average of per-prompt ratios. */
  ratioOfAverages: number | null;
  averageOfRatios: number | null;
  /** (circuit - empty) / (full - empty): 1 when the circuit recovers the full model, 0 when it does no better than nothing. */
  normalized: number | null;
  perPrompt: { circuit: number[]; fullModel: number[]; emptyCircuit: number[] };
}

function circuitValues(pm: PatchableModel, prepared: readonly PreparedBatch[], circuit: Float32Array, set: PatchSet, metric: Metric): number[] {
  return evaluateMask(pm, prepared, patchMask(circuit, set), metric);
}

/** Evaluates one circuit (a 0/1 mask over the graph's edges). */
export function evaluateCircuit(pm: PatchableModel, prepared: readonly PreparedBatch[], circuit: Float32Array, set: PatchSet, metric: Metric): CircuitEvaluation {
  const E = pm.graph.edgeCount;
  const c = circuitValues(pm, prepared, circuit, set, metric);
  const full = circuitValues(pm, prepared, new Float32Array(E).fill(1), set, metric);
  const empty = circuitValues(pm, prepared, new Float32Array(E), set, metric);
  const [mc, mf, me] = [meanOf(c), meanOf(full), meanOf(empty)];
  return {
    metric: metric.name,
    edges: circuit.reduce((s, x) => s + (x ? 1 : 0), 0),
    circuit: mc,
    fullModel: mf,
    emptyCircuit: me,
    ...percentOfFull(c, full),
    normalized: mf === me ? null : (mc - me) / (mf - me),
    perPrompt: { circuit: c, fullModel: full, emptyCircuit: empty },
  };
}

export type CurveSizes = 'all' | 'log' | number[];

/** Circuit sizes (edge counts) of a curve over a graph of `total` edges: 0 .. total. */
export function curveSizes(sizes: CurveSizes, total: number): number[] {
  let out: number[];
  if (sizes === 'all') out = Array.from({ length: total + 1 }, (_, i) => i);
  else if (sizes === 'log') {
    out = [0];
    for (let k = 1; k < total; k = Math.ceil(k * 1.5)) out.push(k);
    out.push(total);
  } else {
    const bad = sizes.filter((k) => !Number.isInteger(k) || k < 0 || k > total);
    if (bad.length) throw new Error(`circuit sizes must be integers in [0, ${total}]; got ${bad.join(', ')}`);
    out = [...sizes];
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Edge indices ordered by decreasing |score| (ties by index). */
export function rankEdges(scores: Float32Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => Math.abs(scores[b]) - Math.abs(scores[a]) || a - b);
}

export interface CurvePoint {
  edges: number;
  mean: number;
  perPrompt: number[];
}

export interface FaithfulnessCurve {
  metric: string;
  points: CurvePoint[];
  /** Area under the mean metric against the fraction of edges in the circuit (trapezoids over the points). */
  area: number;
}

/** Evaluates the top-k circuits for every size in `sizes`, reusing the prepared batches. */
export function faithfulnessCurve(pm: PatchableModel, prepared: readonly PreparedBatch[], scores: Float32Array, sizes: CurveSizes, set: PatchSet, metric: Metric, onPoint?: (done: number, total: number) => void): FaithfulnessCurve {
  const E = pm.graph.edgeCount;
  if (scores.length !== E) throw new Error(`${scores.length} edge scores for a graph of ${E} edges`);
  const order = rankEdges(scores);
  const ks = curveSizes(sizes, E);
  const points: CurvePoint[] = [];
  const circuitOf = (k: number) => {
    const circuit = new Float32Array(E);
    for (let i = 0; i < k; i++) circuit[order[i]] = 1;
    return patchMask(circuit, set);
  };
  // Several sizes per pass where that pays (small models); the node graph takes one at a time.
  const perPass = masksPerPass(pm, prepared);
  for (let i = 0; i < ks.length; i += perPass) {
    const group = ks.slice(i, i + perPass);
    const values = perPass === 1 ? [evaluateMask(pm, prepared, circuitOf(group[0]), metric)] : evaluateMasks(pm, prepared, group.map(circuitOf), metric);
    group.forEach((k, j) => points.push({ edges: k, mean: meanOf(values[j]), perPrompt: values[j] }));
    onPoint?.(points.length, ks.length);
  }
  return { metric: metric.name, points, area: areaUnderCurve(points.map((p) => p.edges / E), points.map((p) => p.mean)) };
}

export function areaUnderCurve(x: readonly number[], y: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return a;
}
