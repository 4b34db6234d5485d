// Data movement on float32 tensors: Transpose, Slice, Tile, SplitV, Concat, GatherV2 and its
// gradient UnsortedSegmentSum.
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type TensorInfo } from '../backend.js';
import { MIN_NATIVE_ELEMENTS } from './cutoff.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

function transpose(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x');
  const xv = f32(args.backend, x);
  if (!xv || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
  const { perm } = args.attrs as { perm: number[] };
  const out = args.backend.alloc(xv.length);
  args.backend.addon.transpose(xv, x.shape, perm, out);
  return output(args.backend, perm.map((p) => x.shape[p]), out);
}

function slice(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x');
  const xv = f32(args.backend, x);
  if (!xv || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
  const attrs = args.attrs as { begin: number | number[]; size: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size);
  tf.slice_util.assertParamsValid(x, begin, size);
  const out = args.backend.alloc(sizeOf(size));
  args.backend.addon.slice(xv, x.shape, begin, size, out);
  return output(args.backend, size, out);
}

function tile(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x');
  const xv = f32(args.backend, x);
  const { reps } = args.attrs as { reps: number[] };
  if (!xv || x.shape.length === 0 || reps.length !== x.shape.length) return cpu(args);
  const shape = x.shape.map((d, i) => d * reps[i]);
  if (sizeOf(shape) < MIN_NATIVE_ELEMENTS) return cpu(args);
  const out = args.backend.alloc(sizeOf(shape));
  args.backend.addon.tile(xv, x.shape, reps, out);
  return output(args.backend, shape, out);
}

function splitV(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x');
  const xv = f32(args.backend, x);
  if (!xv || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
  const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  const outer = sizeOf(x.shape.slice(0, $axis));
  const innerUnit = sizeOf(x.shape.slice($axis + 1));
  const parts = sizes.map((s) => args.backend.alloc(outer * s * innerUnit));
  args.backend.addon.split(xv, outer, sizes.map((s) => s * innerUnit), parts);
  return parts.map((p, i) => output(args.backend, x.shape.map((d, k) => (k === $axis ? sizes[i] : d)), p));
}

function concat(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const tensors = Object.values(args.inputs) as TensorInfo[];
  const { axis } = args.attrs as { axis: number };
  if (tensors.length === 0) return cpu(args);
  const $axis = tf.util.parseAxisParam(axis, tensors[0].shape)[0];
  const shapes = tensors.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, $axis);
  const outShape = tf.backend_util.computeOutShape(shapes, $axis);
  if (sizeOf(outShape) < MIN_NATIVE_ELEMENTS) return cpu(args);
  const values: Float32Array[] = [];
  for (const t of tensors) {
    const v = f32(args.backend, t);
    if (!v) return cpu(args);
    values.push(v);
  }
  const outer = sizeOf(outShape.slice(0, $axis));
  const out = args.backend.alloc(sizeOf(outShape));
  args.backend.addon.concat(values, outer, tensors.map((t) => sizeOf(t.shape.slice($axis))), out);
  return output(args.backend, outShape, out);
}

function int32Values(args: KernelArgs, t: TensorInfo): Int32Array | null {
  const v = args.backend.data.get(t.dataId).values;
  return t.dtype === 'int32' && v instanceof Int32Array ? v : null;
}

function gatherV2(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x'), indices = input(args, 'indices');
  const xv = f32(args.backend, x), iv = int32Values(args, indices);
  const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
  if (!xv || !iv) return cpu(args);
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, $axis, batchDims);
  if (sizeOf(info.outputShape) < MIN_NATIVE_ELEMENTS || info.batchSize === 0) return cpu(args);
  const out = args.backend.alloc(sizeOf(info.outputShape));
  args.backend.addon.gather(xv, info.batchSize, info.outerSize, info.dimSize, info.sliceSize, iv, out);
  return output(args.backend, info.outputShape, out);
}

function unsortedSegmentSum(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x'), ids = input(args, 'segmentIds');
  const xv = f32(args.backend, x), iv = int32Values(args, ids);
  const { numSegments } = args.attrs as { numSegments: number };
  if (!xv || !iv || ids.shape.length !== 1 || x.shape[0] !== ids.shape[0] || xv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
  const innerShape = x.shape.slice(1);
  const out = args.backend.alloc(numSegments * sizeOf(innerShape));
  args.backend.addon.segmentSum(xv, iv, numSegments, sizeOf(innerShape), out);
  return output(args.backend, [numSegments, ...innerShape], out);
}

export const layoutKernels: NativeKernel[] = [
  { kernelName: 'Transpose', kernelFunc: transpose },
  { kernelName: 'Slice', kernelFunc: slice },
  { kernelName: 'Tile', kernelFunc: tile },
  { kernelName: 'SplitV', kernelFunc: splitV },
  { kernelName: 'Concat', kernelFunc: concat },
  { kernelName: 'GatherV2', kernelFunc: gatherV2 },
  { kernelName: 'UnsortedSegmentSum', kernelFunc: unsortedSegmentSum },
];
