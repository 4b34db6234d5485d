import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { loadedAddon } from '../register.js';
import { assertClose, compareBackends, nativeSkipReason, randn, runOn, withBlas } from '../testing.js';

const skip = nativeSkipReason();

function matrixShape(rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [cols, rows] : [rows, cols];
}

test('MatMul matches cpu for every transpose flag and awkward sizes', { skip }, () => {
  const rng = new Rng(1);
  const sizes: [number, number, number][] = [[1, 1, 1], [1, 7, 1], [5, 1, 9], [3, 2, 4], [17, 33, 9], [64, 31, 65], [7, 300, 5], [1, 2048, 3], [130, 70, 129]];
  for (const [M, K, N] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const av = randn(rng, [M, K]), bv = randn(rng, [K, N]);
        compareBackends(`matMul M=${M} K=${K} N=${N} ta=${ta} tb=${tb}`, () =>
          tf.matMul(tf.tensor(av, matrixShape(M, K, ta)), tf.tensor(bv, matrixShape(K, N, tb)), ta, tb), 1e-4, 1e-3);
      }
    }
  }
});

test('batched MatMul matches cpu, including a batch of one broadcast against many', { skip }, () => {
  const rng = new Rng(2);
  const cases: [number[], number[], boolean, boolean][] = [
    [[4, 8, 16], [4, 16, 8], false, false],
    [[2, 3, 5, 7], [2, 3, 6, 7], false, true],
    [[2, 3, 7, 5], [2, 3, 6, 7], true, true],
    [[6, 9, 4], [4, 5], false, false], // rank 3 x rank 2
    [[1, 9, 4], [6, 4, 5], false, false], // batch 1 broadcast
    [[64, 16, 8], [64, 16, 8], false, true], // many small attention-like products
  ];
  for (const [as, bs, ta, tb] of cases) {
    const av = randn(rng, as), bv = randn(rng, bs);
    compareBackends(`batchMatMul ${as} x ${bs} ta=${ta} tb=${tb}`, () => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb), 1e-4, 1e-3);
  }
});

test('batched small products (the unpacked AVX-512 kernel where the CPU has it) match cpu for every transpose flag, with each sgemm', { skip }, () => {
  const rng = new Rng(8);
  // Batches of products under 4 MFLOP each take the per-matrix path: ragged tiles (rows not a
  // multiple of 12, columns under 16, between 16 and 32, past 32) and attention's shapes.
  const sizes: [number, number, number, number][] = [[3, 13, 5, 37], [2, 12, 64, 32], [4, 25, 17, 15], [2, 11, 33, 70], [2, 128, 64, 128], [2, 128, 128, 64]];
  for (const which of loadedAddon()?.info().openblasLinked ? ['openblas', 'builtin'] as const : ['builtin'] as const) {
    withBlas(which, () => {
      for (const [batch, M, K, N] of sizes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const as = [batch, ...matrixShape(M, K, ta)], bs = [batch, ...matrixShape(K, N, tb)];
            const av = randn(rng, as), bv = randn(rng, bs);
            compareBackends(`${which} batch=${batch} M=${M} K=${K} N=${N} ta=${ta} tb=${tb}`, () =>
              tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb), 1e-4, 1e-3);
          }
        }
      }
      // The fused bias and activation run after each small product.
      const av = randn(rng, [4, 13, 9]), bv = randn(rng, [4, 9, 21]), biasv = randn(rng, [21]);
      compareBackends(`${which} batched fused relu with bias`, () =>
        tf.fused.matMul({ a: tf.tensor(av, [4, 13, 9]), b: tf.tensor(bv, [4, 9, 21]), bias: tf.tensor(biasv, [21]), activation: 'relu' }), 1e-4, 1e-3);
    });
  }
});

test('batch dims broadcast both ways ([2,1] against [1,3]) like numpy', { skip }, () => {
  const rng = new Rng(3);
  const av = randn(rng, [2, 1, 4, 5]), bv = randn(rng, [1, 3, 5, 6]);
  const [r] = runOn('native', () => tf.matMul(tf.tensor(av, [2, 1, 4, 5]), tf.tensor(bv, [1, 3, 5, 6])));
  assert.deepEqual(r.shape, [2, 3, 4, 6]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      for (let m = 0; m < 4; m++) {
        for (let n = 0; n < 6; n++) {
          let s = 0;
          for (let k = 0; k < 5; k++) s += av[i * 20 + m * 5 + k] * bv[j * 30 + k * 6 + n];
          const got = r.values[((i * 3 + j) * 4 + m) * 6 + n];
          assert.ok(Math.abs(got - s) < 1e-4, `[${i},${j},${m},${n}]: ${got} vs ${s}`);
        }
      }
    }
  }
});

test('MatMul with large K and empty dims', { skip }, () => {
  const rng = new Rng(4);
  const av = randn(rng, [3, 5000]), bv = randn(rng, [5000, 2]);
  compareBackends('large K', () => tf.matMul(tf.tensor(av, [3, 5000]), tf.tensor(bv, [5000, 2])), 1e-3, 1e-2);
  compareBackends('M = 0', () => tf.matMul(tf.zeros([0, 40]), tf.ones([40, 30])));
  compareBackends('K = 0 gives zeros', () => tf.matMul(tf.zeros([40, 0]), tf.ones([0, 30])));
  compareBackends('batch 0', () => tf.matMul(tf.zeros([0, 40, 3]), tf.ones([0, 3, 30])));
});

test('MatMul rejects mismatched inner dimensions with a clear error', { skip }, () => {
  assert.throws(() => runOn('native', () => tf.matMul(tf.ones([40, 30]), tf.ones([31, 40]))), /inner/);
});

test('fused MatMul: bias shapes and every activation match cpu', { skip }, () => {
  const rng = new Rng(5);
  const [M, K, N] = [37, 29, 41];
  const av = randn(rng, [M, K]), bv = randn(rng, [K, N]), biasN = randn(rng, [N]), bias1 = randn(rng, [1]);
  const acts = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const;
  for (const activation of acts) {
    for (const [label, bias] of [['none', null], ['[N]', [biasN, [N]]], ['[1,N]', [biasN, [1, N]]], ['scalar', [bias1, [1]]]] as const) {
      for (const tb of [false, true]) {
        compareBackends(`fused ${activation} bias=${label} tb=${tb}`, () =>
          tf.fused.matMul({
            a: tf.tensor(av, [M, K]),
            b: tb ? tf.transpose(tf.tensor(bv, [K, N])) : tf.tensor(bv, [K, N]),
            transposeB: tb,
            bias: bias ? tf.tensor(bias[0], [...bias[1]]) : undefined,
            activation,
            leakyreluAlpha: 0.3,
          }), 1e-4, 1e-3);
      }
    }
  }
  // A bias the kernel does not fuse ([M,1], one per row) goes through the general path.
  const biasM = randn(rng, [M, 1]);
  compareBackends('fused relu bias=[M,1]', () =>
    tf.fused.matMul({ a: tf.tensor(av, [M, K]), b: tf.tensor(bv, [K, N]), bias: tf.tensor(biasM, [M, 1]), activation: 'relu' }), 1e-4, 1e-3);
});

/** A two-layer MLP loss and its gradients, for comparing backends. */
function mlpGrads(xv: Float32Array, w1v: Float32Array, w2v: Float32Array, b1v: Float32Array): Tensor[] {
  const x = tf.tensor(xv, [8, 12]);
  const f = (w1: Tensor, b1: Tensor, w2: Tensor) => {
    const h = tf.fused.matMul({ a: x, b: w1, bias: b1, activation: 'relu' });
    const logits = tf.matMul(h, w2, false, true);
    return tf.mean(tf.square(tf.sub(tf.logSoftmax(logits), -2))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(f)([tf.tensor(w1v, [12, 16]), tf.tensor(b1v, [16]), tf.tensor(w2v, [5, 16])]);
  return [value, ...grads];
}

test('gradients of a small network on native match cpu and finite differences', { skip }, () => {
  const rng = new Rng(6);
  const xv = randn(rng, [8, 12]), w1v = randn(rng, [12, 16]), w2v = randn(rng, [5, 16]), b1v = randn(rng, [16]);
  const nat = runOn('native', () => mlpGrads(xv, w1v, w2v, b1v));
  assertClose(nat, runOn('cpu', () => mlpGrads(xv, w1v, w2v, b1v)), 'mlp gradients', 1e-3, 1e-4);
  // Central differences (in float64 arithmetic on float32 values: step large enough for float32).
  const loss = (w1: Float32Array) => runOn('native', () => mlpGrads(xv, w1, w2v, b1v)[0])[0].values[0];
  const h = 1e-2;
  for (const idx of [0, 17, 100, 191]) {
    const plus = w1v.slice(), minus = w1v.slice();
    plus[idx] += h;
    minus[idx] -= h;
    const fd = (loss(plus) - loss(minus)) / (2 * h);
    const g = nat[1].values[idx];
    assert.ok(Math.abs(fd - g) <= 2e-3 + 2e-2 * Math.abs(g), `dL/dw1[${idx}]: analytic ${g} vs finite difference ${fd}`);
  }
});

for (const isa of ['builtin-avx512', 'builtin-avx2', 'builtin-generic'] as const) {
  test(`the built-in sgemm (used without OpenBLAS), ${isa} micro-kernel, matches cpu`, { skip }, (t) => {
    const rng = new Rng(7);
    try {
      withBlas(isa, () => undefined);
    } catch {
      t.skip(`this CPU has no ${isa} support`);
      return;
    }
    withBlas(isa, () => {
      for (const [M, K, N] of [[1, 1, 1], [6, 16, 16], [12, 32, 32], [7, 17, 33], [150, 300, 70], [257, 513, 129]]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const av = randn(rng, [M, K]), bv = randn(rng, [K, N]);
            compareBackends(`${isa} M=${M} K=${K} N=${N} ta=${ta} tb=${tb}`, () =>
              tf.matMul(tf.tensor(av, matrixShape(M, K, ta)), tf.tensor(bv, matrixShape(K, N, tb)), ta, tb), 1e-4, 2e-3);
          }
        }
      }
      compareBackends(`${isa} K = 0`, () => tf.matMul(tf.zeros([40, 0]), tf.ones([0, 30])));
    });
  });
}
