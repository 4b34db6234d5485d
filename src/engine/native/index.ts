// The native compute engine: a tfjs backend named `native` (see register.ts), loaded by
// src/engine/backend.ts. Throws a clear Error when the addon is not built.
import { registerNative } from './register.js';

export { BACKEND_NAME, NATIVE_KERNELS } from './register.js';
export { nativeAdamUpdate } from './fused.js';
export { nativeGelu, nativeLayerNorm } from './fused-ops.js';
export type { AdamStep } from './fused.js';

/** Registers the `native` tfjs backend; returns {blas, threads, addon}. */
export async function registerNativeBackend(): Promise<Record<string, unknown>> {
  return registerNative();
}
