// The `native` backend: tfjs-backend-cpu's MathBackendCPU (same tensor storage: one typed array
// per tensor), whose hot kernels are replaced by C++ ones working on those arrays in place.
//
// Buffer reuse: output arrays of native kernels come from a pool of released arrays instead of
// a fresh zero-filled allocation. An array goes back to the pool when its tensor is disposed,
// but only if it never left the backend: reading it (dataSync/data), or registering it under a
// second tensor, removes it from the pool's care for good. Native kernels write every element
// of their outputs, so pooled arrays need no clearing.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { tf } from '../tfjs.js';
import type { NativeAddon } from './addon.js';

export type TensorInfo = tf.TensorInfo;
type DataId = object;

/**
 * At most this many floats wait in the pool (1 GiB), and at most this many arrays per size. A
 * training step frees most of its activations together at its end and needs as many again in the
 * next step (a 4-layer d_model 256 LM step: ~130 arrays of one size), so the per-size limit is high;
 * fresh arrays cost a zero-fill, page faults and garbage collection.
 */
const POOL_MAX_FLOATS = 256 * 1024 * 1024;
const POOL_MAX_PER_SIZE = 256;
/** Arrays smaller than this are cheap to allocate and are not pooled. */
const POOL_MIN_FLOATS = 4096;

export class NativeBackend extends MathBackendCPU {
  /** Arrays allocated by alloc() whose only reference is their one tensor. */
  private readonly owned = new WeakSet<Float32Array>();
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledFloats = 0;

  constructor(readonly addon: NativeAddon) {
    super();
  }

  /** An array of n floats for a kernel output, recycled when possible (contents undefined). */
  alloc(n: number): Float32Array {
    const reused = this.pool.get(n)?.pop();
    if (reused) {
      this.pooledFloats -= n;
      return reused;
    }
    return new Float32Array(n);
  }

  /** Registers a kernel output array (from alloc) as a new float32 tensor. */
  adopt(shape: number[], values: Float32Array): TensorInfo {
    const info = this.makeTensorInfo(shape, 'float32', values);
    if (values.length >= POOL_MIN_FLOATS) this.owned.add(values);
    return info;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): DataId {
    if (values instanceof Float32Array) this.owned.delete(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    if (values instanceof Float32Array) this.owned.delete(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    return this.expose(super.readSync(dataId));
  }

  override async read(dataId: DataId): Promise<tf.backend_util.BackendValues> {
    return this.expose(await super.read(dataId));
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values instanceof Float32Array && !this.data.has(dataId) && this.owned.delete(values)) this.recycle(values);
    return released;
  }

  private expose(values: tf.backend_util.BackendValues): tf.backend_util.BackendValues {
    if (values instanceof Float32Array) this.owned.delete(values);
    return values;
  }

  private recycle(values: Float32Array): void {
    const n = values.length;
    if (this.pooledFloats + n > POOL_MAX_FLOATS) return;
    let list = this.pool.get(n);
    if (!list) this.pool.set(n, (list = []));
    if (list.length >= POOL_MAX_PER_SIZE) return;
    list.push(values);
    this.pooledFloats += n;
  }
}

/** The Float32Array holding a float32 tensor's values, or null for other dtypes/storage. */
export function f32(backend: NativeBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** Wraps a kernel output array (from backend.alloc) as a new float32 tensor (no copy). */
export function output(backend: NativeBackend, shape: number[], values: Float32Array): TensorInfo {
  return backend.adopt(shape, values);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
