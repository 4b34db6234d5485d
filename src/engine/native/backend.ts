// The `native` backend: tfjs-backend-cpu's MathBackendCPU (same tensor storage: one typed array
// per tensor), whose hot kernels are replaced by C++ ones working on those arrays in place.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { tf } from '../tfjs.js';
import type { NativeAddon } from './addon.js';

export type TensorInfo = tf.TensorInfo;

export class NativeBackend extends MathBackendCPU {
  constructor(readonly addon: NativeAddon) {
    super();
    // MathBackendCPU prints a "install tfjs-node" banner on first use; it does not apply here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** The Float32Array holding a float32 tensor's values, or null for other dtypes/storage. */
export function f32(backend: NativeBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** Wraps a freshly computed array as a new float32 tensor owned by the backend (no copy). */
export function output(backend: NativeBackend, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
