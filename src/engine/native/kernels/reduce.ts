// Reductions over any axes (Sum, Mean, Max, Min, Prod), ArgMax/ArgMin and Softmax, on float32 tensors.
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type TensorInfo } from '../backend.js';
import { MIN_NATIVE_ELEMENTS } from './cutoff.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

/** Op codes shared with native/src/reduce.cc. */
export const REDUCE_OPS = { Sum: 0, Mean: 1, Max: 2, Min: 3, Prod: 4 } as const;

function reduceKernel(name: keyof typeof REDUCE_OPS): NativeKernel {
  const op = REDUCE_OPS[name];
  return {
    kernelName: name,
    kernelFunc: (args: KernelArgs, cpu: CpuKernel) => {
      const x = input(args, 'x');
      const xv = f32(args.backend, x);
      if (!xv || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
      // Max names its axes `reductionIndices`; the others `axis`.
      const attrs = args.attrs as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };
      const keepDims = attrs.keepDims;
      const axis = name === 'Max' ? attrs.reductionIndices : attrs.axis;
      const axes = axis === undefined || axis === null ? x.shape.map((_, d) => d) : tf.util.parseAxisParam(axis, x.shape);
      if (new Set(axes).size !== axes.length) return cpu(args);
      const kept = x.shape.filter((_, d) => !axes.includes(d));
      const out = args.backend.alloc(sizeOf(kept));
      args.backend.addon.reduce(op, xv, x.shape, axes, out);
      const shape = keepDims ? x.shape.map((s, d) => (axes.includes(d) ? 1 : s)) : kept;
      return output(args.backend, shape, out);
    },
  };
}

function argReduceKernel(isMax: boolean) {
  return (args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] => {
    const x = input(args, 'x');
    const xv = f32(args.backend, x);
    if (!xv || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
    const axes = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, x.shape);
    if (axes.length !== 1 || x.shape[axes[0]] === 0) return cpu(args);
    const axis = axes[0];
    const outShape = x.shape.filter((_, d) => d !== axis);
    const out = new Int32Array(sizeOf(outShape));
    args.backend.addon.argReduce(xv, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)), out, isMax);
    return args.backend.makeTensorInfo(outShape, 'int32', out);
  };
}

function softmax(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const logits = input(args, 'logits');
  const xv = f32(args.backend, logits);
  const { dim } = args.attrs as { dim: number };
  const rank = logits.shape.length;
  if (!xv || xv.length < MIN_NATIVE_ELEMENTS || rank === 0 || (dim !== -1 && dim !== rank - 1)) return cpu(args);
  const cols = logits.shape[rank - 1];
  const out = args.backend.alloc(xv.length);
  args.backend.addon.softmax(xv, out, cols === 0 ? 0 : xv.length / cols, cols, false);
  return output(args.backend, logits.shape, out);
}

export const reduceKernels: NativeKernel[] = [
  ...(Object.keys(REDUCE_OPS) as (keyof typeof REDUCE_OPS)[]).map(reduceKernel),
  { kernelName: 'Softmax', kernelFunc: softmax },
  { kernelName: 'ArgMax', kernelFunc: argReduceKernel(true) },
  { kernelName: 'ArgMin', kernelFunc: argReduceKernel(false) },
];
