// The native KataGo program (native/src/go_net.cc, go_winograd.cc) against the tf-ops path: its
// Winograd F(4x4, 3x3) and im2col convolutions with every epilogue (bias, per-image vector bias,
// activations, residual accumulation) against tf.conv2d, and the whole g170 network against
// KataGoNetwork's tf path at the batch sizes that take each code path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../engine/backend.js';
import { loadedAddon } from '../../engine/native/register.js';
import { Rng } from '../../engine/rng.js';
import { tf } from '../../engine/tfjs.js';
import { loadKataGoModel } from './model-file.js';
import { KataGoNetwork } from './network.js';

const MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'katago', 'g170-b6c96-s175395328-d26788732.bin.gz');
const backend = await initBackend();
interface GoNetAddon {
  goNetCreate(ops: Int32Array, weights: Float32Array, slots: Int32Array, outputs: Int32Array): unknown;
  goNetForward(net: unknown, spatial: Float32Array, global: Float32Array, n: number, h: number, w: number): Float32Array[];
}
const addon = loadedAddon() as unknown as GoNetAddon | null;
const noNative = backend.name === 'native' && addon && typeof addon.goNetCreate === 'function' ? false : 'the native backend with its KataGo kernels is not active';

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return m;
}

const ACTS = { identity: 0, relu: 1, mish: 2, silu: 3 } as const;
function actRef(x: ReturnType<typeof tf.tensor4d>, a: keyof typeof ACTS) {
  switch (a) {
    case 'identity': return x;
    case 'relu': return tf.relu(x);
    case 'mish': return tf.mul(x, tf.tanh(tf.softplus(x)));
    case 'silu': return tf.mul(x, tf.sigmoid(x));
  }
}

// One conv op: out (=|+=) act(conv(in) + bias + vec[n]) with slot 2 = vec (from a matmul of the
// global input by the identity), slot 3 = out.
test('native KataGo conv op (Winograd F(4x4,3x3) and im2col) matches tf.conv2d with every epilogue', { skip: noNative }, () => {
  const rng = new Rng(7);
  const cases: [number, number, number, number, number, number, keyof typeof ACTS, boolean, number][] = [
    // N, H, W, K, C, O, activation, accumulate, fraction of nonzero inputs
    [1, 19, 19, 3, 16, 24, 'relu', false, 1], // few tiles: three-phase path
    [16, 19, 19, 3, 32, 16, 'mish', true, 1], // many tiles: per-task path
    [2, 5, 3, 3, 8, 8, 'silu', false, 1], // tiles clipped at both edges
    [3, 1, 1, 3, 12, 9, 'identity', true, 1],
    [2, 7, 9, 5, 6, 10, 'relu', true, 1], // im2col
    [2, 19, 19, 5, 22, 32, 'identity', false, 0.1], // sparse input: scatter path
    [1, 6, 4, 3, 4, 5, 'relu', true, 0.1], // sparse, small 3x3 (not Winograd)
    [4, 9, 9, 1, 10, 7, 'mish', false, 1], // 1x1
  ];
  for (const [N, H, W, K, C, O, act, acc, dense] of cases) {
    const x = rng.normalArray(N * H * W * C).map((v) => (rng.float() < dense ? v : 0));
    const f = rng.normalArray(K * K * C * O, 0, 0.3);
    const bias = rng.normalArray(O);
    const g = rng.normalArray(N * O);
    const eye = new Float32Array(O * O);
    for (let i = 0; i < O; i++) eye[i * O + i] = 1;
    const weights = new Float32Array([...f, ...bias, ...eye]);
    const fOff = 0, bOff = f.length, eOff = f.length + bias.length;
    const ops = new Int32Array([
      4, 1, 2, O, O, eOff, -1, 0, 0, 0, 0, 0,
      1, 0, 3, K, K, C, O, fOff, bOff, 2, ACTS[act], acc ? 1 : 0,
    ]);
    const slots = new Int32Array([C, 1, O, 0, O, 0, O, 1]);
    // With accumulation the output slot keeps its contents between calls: two calls differ by one result.
    const net = addon!.goNetCreate(ops, weights, slots, new Int32Array([3]));
    const want = tf.tidy(() => {
      const conv = tf.conv2d(tf.tensor4d(x, [N, H, W, C]), tf.tensor4d(f, [K, K, C, O]), 1, 'same');
      const pre = tf.add(tf.add(conv, tf.tensor1d(bias)), tf.reshape(tf.tensor2d(g, [N, O]), [N, 1, 1, O]));
      return actRef(pre as ReturnType<typeof tf.tensor4d>, act).dataSync() as Float32Array;
    });
    const y1 = addon!.goNetForward(net, x, g, N, H, W)[0];
    if (!acc) {
      assert.ok(maxRelErr(y1, want) < 1e-4, `N${N} ${H}x${W} K${K} C${C} O${O} ${act}: ${maxRelErr(y1, want)}`);
    } else {
      const y2 = addon!.goNetForward(net, x, g, N, H, W)[0];
      const diff = y2.map((v, i) => v - y1[i]);
      assert.ok(maxRelErr(diff, want) < 1e-3, `N${N} ${H}x${W} K${K} C${C} O${O} ${act} accumulate: ${maxRelErr(diff, want)}`);
    }
  }
});

test('native KataGo program rejects malformed programs with clear errors', { skip: noNative }, () => {
  const slots = new Int32Array([4, 1, 2, 0, 4, 1]);
  const conv = (wOff: number, cin: number) => new Int32Array([1, 0, 2, 3, 3, cin, 4, wOff, -1, -1, 1, 0]);
  assert.throws(() => addon!.goNetCreate(conv(0, 4), new Float32Array(10), slots, new Int32Array([2])), /reads past the end of the weights/);
  assert.throws(() => addon!.goNetCreate(conv(0, 5), new Float32Array(3 * 3 * 5 * 4), slots, new Int32Array([2])), /spatial slot of 5 channels/);
  assert.throws(() => addon!.goNetCreate(new Int32Array([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), new Float32Array(1), slots, new Int32Array([2])), /unknown op code 9/);
  const net = addon!.goNetCreate(conv(0, 4), new Float32Array(144), slots, new Int32Array([2]));
  assert.throws(() => addon!.goNetForward(net, new Float32Array(7), new Float32Array(2), 1, 2, 2), /spatial input size/);
});

test('the g170 network as one native program matches the tf-ops path (batches 1, 2, 16; square, rectangular, tiny boards)', { skip: noNative || (existsSync(MODEL) ? false : `KataGo model not found at ${MODEL}`) }, () => {
  const model = loadKataGoModel(MODEL);
  const native = new KataGoNetwork(model);
  const ref = new KataGoNetwork(model, { native: false });
  assert.ok(native.native, 'the native program is built on the native backend');
  const rng = new Rng(11);
  try {
    for (const [n, h, w] of [[1, 19, 19], [2, 19, 19], [16, 19, 19], [3, 9, 9], [2, 13, 7], [1, 2, 3]]) {
      const spatial = new Float32Array(n * h * w * 22);
      for (let i = 0; i < spatial.length; i++) spatial[i] = i % 22 === 0 ? 1 : rng.float() < 0.2 ? 1 : 0;
      const global = rng.normalArray(n * 19, 0, 0.5);
      const a = native.forward(spatial, global, n, h, w);
      const b = ref.forward(spatial, global, n, h, w);
      for (const k of ['policy', 'pass', 'value', 'score', 'ownership'] as const) {
        const e = maxRelErr(a[k], b[k]);
        assert.ok(e < 1e-3, `${n}x${h}x${w} ${k}: relative error ${e}`);
      }
    }
  } finally {
    native.dispose();
    ref.dispose();
  }
});

test('the async pass (single-threaded on worker threads, several at once) gives exactly the pool pass\'s numbers', { skip: noNative || (existsSync(MODEL) ? false : `KataGo model not found at ${MODEL}`) }, async () => {
  const net = new KataGoNetwork(loadKataGoModel(MODEL));
  const rng = new Rng(12);
  try {
    const inputs = [[1, 19, 19], [2, 9, 9], [16, 19, 19]].map(([n, h, w]) => {
      const spatial = new Float32Array(n * h * w * 22);
      for (let i = 0; i < spatial.length; i++) spatial[i] = i % 22 === 0 ? 1 : rng.float() < 0.2 ? 1 : 0;
      return { n, h, w, spatial, global: rng.normalArray(n * 19, 0, 0.5) };
    });
    const sync = inputs.map((x) => net.forward(x.spatial, x.global, x.n, x.h, x.w));
    const concurrent = await Promise.all(inputs.map((x) => net.forwardAsync(x.spatial, x.global, x.n, x.h, x.w)));
    concurrent.forEach((a, i) => {
      for (const k of ['policy', 'pass', 'value', 'score', 'ownership'] as const) assert.deepEqual(a[k], sync[i][k], `input ${i} ${k}`);
    });
  } finally {
    net.dispose();
  }
});
