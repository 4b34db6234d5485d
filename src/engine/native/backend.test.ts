import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../tfjs.js';
import { nativeSkipReason } from './testing.js';
import type { NativeBackend, TensorInfo } from './backend.js';
import { nativeMatMul } from './kernels/matmul.js';

const skip = nativeSkipReason();

function nativeBackend(): NativeBackend {
  tf.setBackend('native');
  return tf.backend() as unknown as NativeBackend;
}

test('every cpu kernel is registered for native, plus the fused ops', { skip }, () => {
  const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName);
  const native = new Set(tf.getKernelsForBackend('native').map((k) => k.kernelName));
  assert.deepEqual(cpu.filter((k) => !native.has(k)), []);
  const extra = [...native].filter((k) => !cpu.includes(k)).sort();
  assert.deepEqual(extra, ['GlassboxGelu', 'GlassboxGeluGrad', 'GlassboxLayerNorm', 'GlassboxLayerNormGrad']);
});

test('buffers of disposed kernel outputs are reused, never ones that were read', { skip }, () => {
  const backend = nativeBackend();
  const x = tf.ones([64, 128]);
  const first = tf.add(x, x);
  const firstValues = backend.data.get(first.dataId).values;
  first.dispose();
  const second = tf.mul(x, x);
  assert.equal(backend.data.get(second.dataId).values, firstValues, 'the released array is recycled');
  assert.deepEqual(Array.from(second.dataSync().slice(0, 3)), [1, 1, 1]);

  // Read values stay valid after dispose: the array is never recycled.
  const read = tf.add(x, x);
  const readValues = read.dataSync();
  read.dispose();
  const third = tf.mul(tf.add(x, x), 3);
  assert.notEqual(backend.data.get(third.dataId).values, readValues);
  assert.equal(readValues[0], 2);
  tf.dispose([x, second, third]);
});

test('recycled buffers do not leak stale values into results', { skip }, () => {
  const backend = nativeBackend();
  const a = tf.zeros([70, 0]), b = tf.zeros([0, 70]);
  for (let i = 0; i < 3; i++) {
    const garbage = tf.fill([70, 70], 1e30);
    const g = tf.mul(garbage, 1);
    const gValues = backend.data.get(g.dataId).values;
    tf.dispose([garbage, g]);
    // Same output size as g: a native matmul with K = 0, whose result must be exactly zero.
    const z = nativeMatMul(backend, a, b, { transposeA: false, transposeB: false }) as TensorInfo;
    const zValues = backend.data.get(z.dataId).values as Float32Array;
    assert.equal(zValues, gValues, 'the test reuses the garbage-filled array');
    assert.ok(zValues.every((v) => v === 0));
    backend.disposeData(z.dataId);
  }
  tf.dispose([a, b]);
});
