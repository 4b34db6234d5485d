// Benchmark (a): one float32 matrix product C = A B of n x n matrices.
import { tf } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { init } from '../../src/nn/index.js';
import { exportAll, type Workload } from './workload.js';

export interface SgemmShape {
  n: number;
}

export const SGEMM_FULL: SgemmShape = { n: 1024 };
export const SGEMM_TINY: SgemmShape = { n: 16 };

export function sgemmFlops(shape: SgemmShape): number {
  return 2 * shape.n ** 3;
}

export function buildSgemm(shape: SgemmShape, seed = 4): Workload {
  const rng = new Rng(seed);
  const a = init.uniform(rng, [shape.n, shape.n], -1, 1);
  const b = init.uniform(rng, [shape.n, shape.n], -1, 1);
  const product = (): Float32Array => {
    const c = tf.matMul(a, b);
    const values = c.dataSync() as Float32Array;
    c.dispose();
    return values;
  };
  return {
    run: () => void product(),
    exportState: () => ({ params: {}, inputs: exportAll({ a, b }) }),
    reference: () => ({ output: Array.from(product()) }),
    dispose: () => tf.dispose([a, b]),
  };
}
