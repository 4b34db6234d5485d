// Loads the C++ addon built from native/ by `npm install` (scripts/build-native.mjs).
// GLASSBOX_NATIVE_ADDON=<path> points the loader at another build (tests use a missing one).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Build facts reported by the addon. */
export interface AddonInfo {
  /** "openblas 0.3.21" or "built-in (avx512)" (the micro-kernel in use). */
  blas: string;
  /** Threads in the addon's pool, including the calling thread. */
  threads: number;
  /** Whether OpenBLAS was linked at build time (selectBlas can switch to it). */
  openblasLinked: boolean;
}

/** sgemm choices: OpenBLAS (when linked), or the built-in one with its best or a given micro-kernel. */
export type BlasChoice = 'openblas' | 'builtin' | 'builtin-avx512' | 'builtin-avx2' | 'builtin-generic';

/**
 * The addon's functions. Arrays are used in place (no copies); every output array is allocated by
 * the caller with the exact size. Shapes are validated again in C++ against the array lengths.
 */
export interface NativeAddon {
  info(): AddonInfo;
  /** Switches the sgemm at run time; throws for a micro-kernel this CPU lacks. Returns the name in use. */
  selectBlas(which: BlasChoice): string;
  /** Activation codes: see ACTIVATIONS in kernels/matmul.ts. */
  batchMatMul(
    a: Float32Array, b: Float32Array, out: Float32Array,
    batchShape: number[], aStrides: number[], bStrides: number[],
    M: number, N: number, K: number, transA: boolean, transB: boolean,
    bias: Float32Array | null, activation: number, alpha: number,
  ): void;
  /** Op codes: see BINARY_OPS in kernels/elementwise.ts. Inputs broadcast numpy-style. */
  binary(op: number, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], out: Float32Array, outShape: number[]): void;
  addN(inputs: Float32Array[], out: Float32Array): void;
  /** Op codes: see UNARY_OPS in kernels/unary.ts. */
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number, beta: number): void;
  /** Op codes: see COMPARE_OPS in kernels/elementwise.ts; out holds 0/1. */
  compare(op: number, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], out: Uint8Array, outShape: number[]): void;
  /** out = condition ? t : e, all the same size. */
  select(condition: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;
  /** x as [outer, axisSize, inner] -> index of the first max/min along the axis. */
  argReduce(x: Float32Array, outer: number, axisSize: number, inner: number, out: Int32Array, isMax: boolean): void;
  /** Op codes: see REDUCE_OPS in kernels/reduce.ts. out holds the kept dims. */
  reduce(op: number, x: Float32Array, shape: number[], axes: number[], out: Float32Array): void;
  transpose(x: Float32Array, shape: number[], perm: number[], out: Float32Array): void;
  /** Row-wise over [rows, cols]. */
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  slice(x: Float32Array, shape: number[], begin: number[], size: number[], out: Float32Array): void;
  /** out.shape[d] = shape[d] * reps[d]. */
  tile(x: Float32Array, shape: number[], reps: number[], out: Float32Array): void;
  /** Parts are [outer, inner_i]; the joined array is [outer, sum inner_i]. */
  concat(parts: Float32Array[], outer: number, innerSizes: number[], out: Float32Array): void;
  split(x: Float32Array, outer: number, innerSizes: number[], parts: Float32Array[]): void;
  /** x [batch, outer, axisSize, inner], indices [batch, n] -> out [batch, outer, n, inner]. */
  gather(x: Float32Array, batch: number, outer: number, axisSize: number, inner: number, indices: Int32Array, out: Float32Array): void;
  /** x [n, inner], ids [n] -> out [segments, inner]. */
  segmentSum(x: Float32Array, ids: Int32Array, segments: number, inner: number, out: Float32Array): void;
  /** conv = [N,H,W,Cin,KH,KW,Cout,SH,SW,DH,DW,padTop,padLeft,OH,OW]; NHWC, filter [KH,KW,Cin,Cout]. */
  /** Optional bias (one per output channel) and activation code (kernels/matmul.ts ACTIVATIONS). */
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, conv: number[], bias?: Float32Array | null, activation?: number, alpha?: number): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, conv: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, conv: number[]): void;
  /** pool = [N,H,W,C,FH,FW,SH,SW,padTop,padLeft,OH,OW], NHWC. */
  pool2d(x: Float32Array, out: Float32Array, pool: number[], isMax: boolean): void;
  pool2dGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, pool: number[], isMax: boolean): void;
  /** Rows of D values; gamma/beta optional ([D]). */
  layerNorm(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array, rows: number, D: number, eps: number): void;
  layerNormGrad(
    dy: Float32Array, x: Float32Array, gamma: Float32Array | null, dx: Float32Array,
    dgamma: Float32Array | null, dbeta: Float32Array | null, rows: number, D: number, eps: number,
  ): void;
  gelu(x: Float32Array, out: Float32Array, tanhForm: boolean): void;
  geluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, tanhForm: boolean): void;
  /** Fused Adam/AdamW step; m, v updated in place (see native/src/optim.cc). */
  adamUpdate(
    p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array,
    beta1: number, beta2: number, eps: number, stepSize: number, decay: number, l2: number, bc2Sqrt: number,
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
  try {
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    // e.g. built for another Node.js, or a shared library (OpenBLAS) missing at run time
    throw new Error(`the native addon ${path} failed to load (rebuild it with npm rebuild or node scripts/build-native.mjs): ${(err as Error).message.split('\n')[0]}`);
  }
}
