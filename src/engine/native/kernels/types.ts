// How a native kernel is declared: a kernel function that may hand the call back to the cpu
// backend's own kernel (dtypes it does not handle, tensors below the size cutoff).
import type { tf } from '../../tfjs.js';
import type { NativeBackend, TensorInfo } from '../backend.js';

export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: NativeBackend;
  attrs?: tf.NamedAttrMap;
}

export type CpuKernel = (args: KernelArgs) => TensorInfo | TensorInfo[];

export interface NativeKernel {
  kernelName: string;
  /** `cpu` is the cpu backend's kernel for the same name, for the cases the native one leaves. */
  kernelFunc: (args: KernelArgs, cpu: CpuKernel) => TensorInfo | TensorInfo[];
}

/** A required input of a kernel call. */
export function input(args: KernelArgs, name: string): TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`native kernel: missing input "${name}"`);
  return t;
}
