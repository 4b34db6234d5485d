// BatchMatMul and _FusedMatMul on the addon's sgemm: all transpose flags, broadcast batch dims
// (true broadcasting: a size-1 batch dim repeats), and the bias + activation fused into the
// same C++ call.
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type NativeBackend, type TensorInfo } from '../backend.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

/** Activation codes shared with native/src/activation.h. */
export const ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5 };

/** Below this many multiply-adds the JS kernel is as fast as crossing into C++. */
const MIN_MACS = 512;

/** Per batch dim of the output: where matrix `i` of an input starts (0 where it broadcasts). */
function batchStrides(inBatch: number[], outBatch: number[], matrixSize: number): number[] {
  const strides = new Array<number>(outBatch.length).fill(0);
  let stride = matrixSize;
  for (let d = inBatch.length - 1; d >= 0; d--) {
    const od = outBatch.length - inBatch.length + d;
    if (inBatch[d] !== 1) strides[od] = stride;
    stride *= inBatch[d];
  }
  return strides;
}

export interface MatMulOptions {
  transposeA: boolean;
  transposeB: boolean;
  bias?: Float32Array | null;
  activation?: number;
  alpha?: number;
}

/** out[..., M, N] = op(a) op(b) (+ bias, activation); null when an input is not float32. */
export function nativeMatMul(backend: NativeBackend, a: TensorInfo, b: TensorInfo, opts: MatMulOptions): TensorInfo | null {
  const av = f32(backend, a), bv = f32(backend, b);
  if (!av || !bv) return null;
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`matMul: both inputs need rank >= 2; got shapes [${a.shape}] and [${b.shape}]`);
  }
  const ra = a.shape.length, rb = b.shape.length;
  const { transposeA, transposeB } = opts;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const Ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (Ka !== Kb) {
    throw new Error(`matMul: inner dimensions differ (${Ka} vs ${Kb}) for shapes [${a.shape}] and [${b.shape}], transposeA=${transposeA}, transposeB=${transposeB}`);
  }
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const outBatch = tf.backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.alloc(sizeOf(outBatch) * M * N);
  let aStrides = batchStrides(aBatch, outBatch, M * Ka), bStrides = batchStrides(bBatch, outBatch, Ka * N);
  let [batchShape, rows] = [outBatch, M];
  if (!transposeA && bStrides.every((s) => s === 0) && sizeOf(aBatch) === sizeOf(outBatch)) {
    // b is one matrix shared by the whole batch: stack a's matrices into one [batch*M, K] product.
    [batchShape, rows, aStrides, bStrides] = [[], sizeOf(outBatch) * M, [], []];
  }
  backend.addon.batchMatMul(
    av, bv, out, batchShape, aStrides, bStrides,
    rows, N, Ka, transposeA, transposeB, opts.bias ?? null, opts.activation ?? 0, opts.alpha ?? 0,
  );
  return output(backend, [...outBatch, M, N], out);
}

/**
 * Whether the cpu kernel can take this product: it is tiny, and its batch dims do not broadcast
 * both ways (the cpu kernel pairs batch i of a with i % batchA and mishandles that case).
 */
function cpuCanTake(a: TensorInfo, b: TensorInfo): boolean {
  const macs = sizeOf(a.shape) * b.shape[b.shape.length - 1];
  if (macs >= MIN_MACS) return false;
  const batchA = sizeOf(a.shape.slice(0, -2)), batchB = sizeOf(b.shape.slice(0, -2));
  return batchA === 1 || batchB === 1 || a.shape.slice(0, -2).join() === b.shape.slice(0, -2).join();
}

function batchMatMul(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const a = input(args, 'a'), b = input(args, 'b');
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (cpuCanTake(a, b)) return cpu(args);
  return nativeMatMul(args.backend, a, b, { transposeA, transposeB }) ?? cpu(args);
}

/** The bias as the kernel can fuse it: one value, or one per output column. Else null. */
function fusableBias(backend: NativeBackend, bias: TensorInfo, N: number, outRank: number): Float32Array | null {
  const v = f32(backend, bias);
  if (!v || bias.shape.length > outRank) return null;
  if (v.length === 1) return v;
  const last = bias.shape[bias.shape.length - 1];
  return v.length === N && last === N ? v : null;
}

function fusedMatMul(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const a = input(args, 'a'), b = input(args, 'b'), bias = args.inputs.bias;
  const attrs = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
  const activation = ACTIVATIONS[attrs.activation];
  if (activation === undefined || cpuCanTake(a, b)) return cpu(args);
  const N = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  let biasValues: Float32Array | null = null;
  if (bias) {
    biasValues = fusableBias(args.backend, bias, N, Math.max(a.shape.length, b.shape.length));
    if (!biasValues) return cpu(args);
  }
  const opts = { transposeA: attrs.transposeA, transposeB: attrs.transposeB, bias: biasValues, activation, alpha: attrs.leakyreluAlpha ?? 0.2 };
  return nativeMatMul(args.backend, a, b, opts) ?? cpu(args);
}

export const matmulKernels: NativeKernel[] = [
  { kernelName: 'BatchMatMul', kernelFunc: batchMatMul },
  { kernelName: '_FusedMatMul', kernelFunc: fusedMatMul },
];
