// Registers the `native` backend: every cpu kernel again under the name `native`, with the
// native kernels in place of the cpu ones they override (registering a name twice throws).
import { tf } from '../tfjs.js';
import { loadAddon, addonPath, type NativeAddon } from './addon.js';
import { NativeBackend } from './backend.js';
import { registerFusedOps } from './fused-ops.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { poolKernels } from './kernels/pool.js';
import { reduceKernels } from './kernels/reduce.js';
import { unaryKernels } from './kernels/unary.js';
import type { CpuKernel, KernelArgs, NativeKernel } from './kernels/types.js';

export const BACKEND_NAME = 'native';

/** Every native kernel, by tfjs kernel name. */
export const NATIVE_KERNELS: readonly NativeKernel[] = [
  ...matmulKernels, ...elementwiseKernels, ...unaryKernels, ...reduceKernels, ...layoutKernels, ...convKernels, ...poolKernels,
];

let registered: Record<string, unknown> | null = null;
let addon: NativeAddon | null = null;

/** The addon once registerNative() has loaded it, else null. */
export function loadedAddon(): NativeAddon | null {
  return addon;
}

/** Registers the backend and its kernels once; returns the addon's details. */
export function registerNative(): Record<string, unknown> {
  if (registered) return registered;
  const path = addonPath();
  const loaded = loadAddon(path);
  const overrides = new Map(NATIVE_KERNELS.map((k) => [k.kernelName, k]));
  for (const config of tf.getKernelsForBackend('cpu')) {
    const native = overrides.get(config.kernelName);
    const cpu = config.kernelFunc as unknown as CpuKernel;
    const kernelFunc = native
      ? (args: KernelArgs) => native.kernelFunc(args, cpu)
      : config.kernelFunc;
    tf.registerKernel({ ...config, backendName: BACKEND_NAME, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  registerFusedOps(BACKEND_NAME);
  // Priority above cpu (1) so the native backend is tfjs's default once registered.
  tf.registerBackend(BACKEND_NAME, () => new NativeBackend(loaded), 3);
  addon = loaded;
  const info = loaded.info();
  registered = { blas: info.blas, threads: info.threads, addon: path };
  return registered;
}
