// MaxPool, AvgPool and their gradients (NHWC). AvgPoolGrad spreads each gradient over the
// in-image taps the forward averaged, i.e. the true gradient of AvgPool (tfjs-backend-cpu
// divides by the full window size even where padding clipped it).
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type TensorInfo } from '../backend.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function geometry(xShape: number[], a: PoolAttrs): { geom: number[]; outShape: number[] } {
  const c = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  return {
    geom: [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.padInfo.top, c.padInfo.left, c.outHeight, c.outWidth],
    outShape: c.outShape,
  };
}

function poolKernel(isMax: boolean) {
  return (args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] => {
    const x = input(args, 'x');
    const xv = f32(args.backend, x);
    if (!xv || x.shape.length !== 4) return cpu(args);
    const { geom, outShape } = geometry(x.shape, args.attrs as unknown as PoolAttrs);
    const out = args.backend.alloc(sizeOf(outShape));
    args.backend.addon.pool2d(xv, out, geom, isMax);
    return output(args.backend, outShape, out);
  };
}

function poolGradKernel(isMax: boolean) {
  return (args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] => {
    const dy = input(args, 'dy'), x = input(args, 'input');
    const dyv = f32(args.backend, dy), xv = f32(args.backend, x);
    if (!dyv || !xv || x.shape.length !== 4) return cpu(args);
    const { geom } = geometry(x.shape, args.attrs as unknown as PoolAttrs);
    const dx = args.backend.alloc(xv.length);
    args.backend.addon.pool2dGrad(dyv, xv, dx, geom, isMax);
    return output(args.backend, x.shape, dx);
  };
}

export const poolKernels: NativeKernel[] = [
  { kernelName: 'MaxPool', kernelFunc: poolKernel(true) },
  { kernelName: 'AvgPool', kernelFunc: poolKernel(false) },
  { kernelName: 'MaxPoolGrad', kernelFunc: poolGradKernel(true) },
  { kernelName: 'AvgPoolGrad', kernelFunc: poolGradKernel(false) },
];
