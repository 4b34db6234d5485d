// The registry of benchmark cases. A later issue adds its own case by appending an entry:
// a JSON key, a title, full and tiny shapes, a glassbox workload builder and, optionally,
// a Python peer (bench/peers/) that runs the same work on the same shapes.
import type { Workload } from './workloads/workload.js';
import type { PeerScript } from './peers/python.js';
import { SGEMM_FULL, SGEMM_TINY, buildSgemm, sgemmFlops, type SgemmShape } from './workloads/sgemm.js';
import { MLP_FULL, MLP_TINY, buildMlpStep, type MlpShape } from './workloads/mlp.js';
import { BLOCK_FULL, BLOCK_TINY, buildBlockStep, type BlockShape } from './workloads/transformer-block.js';
import { CONV_FULL, CONV_TINY, buildConvTrunk, type ConvTrunkShape } from './workloads/conv-trunk.js';
import { LM_FULL, LM_TINY, buildLmFwdBwd, type LmShape } from './workloads/transformer-lm.js';
import { ROUTE_AE_FULL, ROUTE_AE_TINY, buildRouteAutoencoderStep, type RouteAutoencoderShape } from './workloads/route-autoencoder.js';

/** `full`: the benchmark's real shapes; `tiny`: scaled down, for tests of the harness itself. */
export type Scale = 'full' | 'tiny';

export interface PeerSpec {
  /** Used in JSON keys (`torch_ms`, `numpy_gflops`) and the table. */
  name: string;
  script: PeerScript;
}

export interface BenchCase<S extends object = object> {
  /** JSON key of the case, e.g. `mlp_step`; also the name `--only` takes. */
  key: string;
  title: string;
  /** `ms`: time per run; `gflops`: throughput, from `flops`. */
  unit: 'ms' | 'gflops';
  shapes: Record<Scale, S>;
  build(shape: S): Workload;
  /** Floating-point operations per run (for `gflops` cases). */
  flops?(shape: S): number;
  peer?: PeerSpec;
  /**
   * Measure on every backend in --quick mode too. Otherwise --quick measures only the default
   * backend (the pure-JS cpu backend takes seconds per train step); full mode measures all.
   */
  allBackendsInQuick?: boolean;
}

function defineCase<S extends object>(c: BenchCase<S>): BenchCase {
  return c as unknown as BenchCase;
}

const TORCH: PeerSpec = { name: 'torch', script: 'torch_bench.py' };
const NUMPY: PeerSpec = { name: 'numpy', script: 'numpy_sgemm.py' };

export const BENCH_CASES: readonly BenchCase[] = [
  defineCase<SgemmShape>({
    key: 'sgemm',
    title: 'sgemm 1024x1024x1024',
    unit: 'gflops',
    shapes: { full: SGEMM_FULL, tiny: SGEMM_TINY },
    build: buildSgemm,
    flops: sgemmFlops,
    peer: NUMPY,
    allBackendsInQuick: true,
  }),
  defineCase<MlpShape>({
    key: 'mlp_step',
    title: 'MLP 784-1024-1024-10 train step, batch 256',
    unit: 'ms',
    shapes: { full: MLP_FULL, tiny: MLP_TINY },
    build: buildMlpStep,
    peer: TORCH,
  }),
  defineCase<BlockShape>({
    key: 'block_step',
    title: 'transformer block train step (d256 h4 seq128 b16)',
    unit: 'ms',
    shapes: { full: BLOCK_FULL, tiny: BLOCK_TINY },
    build: buildBlockStep,
    peer: TORCH,
  }),
  defineCase<ConvTrunkShape>({
    key: 'conv_trunk',
    title: 'b6c96 conv trunk forward (19x19, batch 16)',
    unit: 'ms',
    shapes: { full: CONV_FULL, tiny: CONV_TINY },
    build: buildConvTrunk,
    peer: TORCH,
  }),
  defineCase<LmShape>({
    key: 'lm_fwd_bwd',
    title: '4-layer transformer forward+backward (d256 h4 seq128 b16, vocab 512)',
    unit: 'ms',
    shapes: { full: LM_FULL, tiny: LM_TINY },
    build: buildLmFwdBwd,
    peer: TORCH,
  }),
  defineCase<RouteAutoencoderShape>({
    key: 'route_ae_step',
    title: 'routed autoencoder 784-2048-512-32 train step, batch 2048 (x 29.3 = a Fashion-MNIST epoch)',
    unit: 'ms',
    shapes: { full: ROUTE_AE_FULL, tiny: ROUTE_AE_TINY },
    build: buildRouteAutoencoderStep,
    peer: TORCH,
  }),
];

/** The cases named in a comma-separated list (all when undefined); unknown names are an error. */
export function selectCases(only?: string): BenchCase[] {
  if (only === undefined) return [...BENCH_CASES];
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Map(BENCH_CASES.map((c) => [c.key, c]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length || names.length === 0) {
    throw new Error(`bench --only: unknown case ${unknown.join(', ') || '(none given)'}; known cases: ${[...known.keys()].join(', ')}`);
  }
  return BENCH_CASES.filter((c) => names.includes(c.key));
}
