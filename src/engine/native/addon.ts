// Loads the C++ addon built from native/ by `npm install` (scripts/build-native.mjs).
// GLASSBOX_NATIVE_ADDON=<path> points the loader at another build (tests use a missing one).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Build facts reported by the addon. */
export interface AddonInfo {
  /** "openblas 0.3.21" or "built-in". */
  blas: string;
  /** Threads in the addon's pool, including the calling thread. */
  threads: number;
  /** Whether OpenBLAS was linked at build time (selectBlas can switch to it). */
  openblasLinked: boolean;
}

/**
 * The addon's functions. Arrays are used in place (no copies); every output array is allocated by
 * the caller with the exact size. Shapes are validated again in C++ against the array lengths.
 */
export interface NativeAddon {
  info(): AddonInfo;
  selectBlas(which: 'openblas' | 'builtin'): string;
  /** Activation codes: see ACTIVATIONS in kernels/matmul.ts. */
  batchMatMul(
    a: Float32Array, b: Float32Array, out: Float32Array,
    batchShape: number[], aStrides: number[], bStrides: number[],
    M: number, N: number, K: number, transA: boolean, transB: boolean,
    bias: Float32Array | null, activation: number, alpha: number,
  ): void;
}

const DEFAULT_ADDON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'build', 'Release', 'glassbox_native.node');

/** Where the addon is expected: GLASSBOX_NATIVE_ADDON, else native/build/Release in this checkout. */
export function addonPath(): string {
  const env = process.env.GLASSBOX_NATIVE_ADDON;
  return env ? resolve(env) : DEFAULT_ADDON;
}

/** Loads the addon, with a clear error when it was not built. */
export function loadAddon(path: string = addonPath()): NativeAddon {
  if (!existsSync(path)) {
    throw new Error(`the native addon is not built (${path} is missing; run npm install with a C++ compiler present)`);
  }
  return createRequire(import.meta.url)(path) as NativeAddon;
}
