// Helpers for the native kernel tests: run the same computation on `native` and `cpu` and
// compare. Tests skip (with a message) when the addon is not built.
import assert from 'node:assert/strict';
import { tf, type Tensor } from '../tfjs.js';
import { Rng } from '../rng.js';
import { registerNative } from './register.js';
import type { NativeBackend } from './backend.js';
import type { BlasChoice } from './addon.js';

/** Why native tests must skip (addon missing), or false when they can run. */
export function nativeSkipReason(): string | false {
  try {
    registerNative();
    return false;
  } catch (err) {
    return `native backend unavailable: ${(err as Error).message}`;
  }
}

export interface Result {
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/** Runs fn on the given backend (inputs are built inside fn) and returns its outputs' values. */
export function runOn(backend: 'native' | 'cpu', fn: () => Tensor | Tensor[]): Result[] {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const out = fn();
      return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape.slice(), values: t.dataSync().slice() as Result['values'] }));
    });
  } finally {
    if (prev) tf.setBackend(prev);
  }
}

/** Deterministic normal(0,1) values. */
export function randn(rng: Rng, shape: number[]): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  return Float32Array.from(rng.normalArray(n, 0, 1));
}

/** Asserts same shapes and |a-b| <= atol + rtol*|b| elementwise. */
export function assertClose(actual: Result[], expected: Result[], label: string, rtol = 1e-4, atol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${label}: output count`);
  for (let o = 0; o < actual.length; o++) {
    assert.deepEqual(actual[o].shape, expected[o].shape, `${label}: output ${o} shape`);
    const a = actual[o].values, e = expected[o].values;
    assert.equal(a.length, e.length, `${label}: output ${o} length`);
    for (let i = 0; i < a.length; i++) {
      const ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i])) || a[i] === e[i];
      if (!ok) assert.fail(`${label}: output ${o} differs at ${i}: native ${a[i]} vs reference ${e[i]}`);
    }
  }
}

/** Runs fn on both backends and compares. */
export function compareBackends(label: string, fn: () => Tensor | Tensor[], rtol = 1e-4, atol = 1e-4): void {
  assertClose(runOn('native', fn), runOn('cpu', fn), label, rtol, atol);
}

/** Runs fn with the addon's sgemm switched to `which`, then switches back. */
export function withBlas<T>(which: BlasChoice, fn: () => T): T {
  const prev = tf.getBackend();
  tf.setBackend('native');
  const backend = tf.backend() as unknown as NativeBackend;
  if (prev) tf.setBackend(prev);
  const before: BlasChoice = backend.addon.info().blas.startsWith('built-in') ? 'builtin' : 'openblas';
  backend.addon.selectBlas(which);
  try {
    return fn();
  } finally {
    backend.addon.selectBlas(before);
  }
}
