// Conv2D, its two backprops and FusedConv2D (NHWC, any stride, dilation and padding) on the
// addon's im2col + sgemm.
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type NativeBackend, type TensorInfo } from '../backend.js';
import { nativeBinary, BINARY_OPS } from './elementwise.js';
import { ACTIVATIONS } from './matmul.js';
import { nativeUnary, UNARY_OPS } from './unary.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The geometry array native/src/conv.cc expects. */
function geometry(c: ConvInfo): number[] {
  return [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.outChannels,
    c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left, c.outHeight, c.outWidth];
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): ConvInfo {
  const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, format);
}

/** Bias (one per output channel) and activation applied inside the native conv. */
interface ConvEpilogue { bias: Float32Array | null; activation: number; alpha: number }

function nativeConv(backend: NativeBackend, x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs, epilogue?: ConvEpilogue): TensorInfo | null {
  const xv = f32(backend, x), fv = f32(backend, filter);
  if (!xv || !fv || attrs.dataFormat === 'NCHW') return null;
  const info = convInfo(x.shape, filter.shape, attrs);
  const out = backend.alloc(sizeOf(info.outShape));
  backend.addon.conv2d(xv, fv, out, geometry(info), epilogue?.bias ?? null, epilogue?.activation ?? 0, epilogue?.alpha ?? 0);
  return output(backend, info.outShape, out);
}

function conv2D(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  return nativeConv(args.backend, input(args, 'x'), input(args, 'filter'), args.attrs as unknown as ConvAttrs) ?? cpu(args);
}

function conv2DBackpropInput(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const dy = input(args, 'dy'), filter = input(args, 'filter');
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const dyv = f32(args.backend, dy), fv = f32(args.backend, filter);
  if (!dyv || !fv || attrs.dataFormat === 'NCHW') return cpu(args);
  const info = convInfo(attrs.inputShape, filter.shape, { ...attrs, dilations: 1 });
  const dx = args.backend.alloc(sizeOf(info.inShape));
  args.backend.addon.conv2dBackpropInput(dyv, fv, dx, geometry(info));
  return output(args.backend, info.inShape, dx);
}

function conv2DBackpropFilter(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const x = input(args, 'x'), dy = input(args, 'dy');
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const xv = f32(args.backend, x), dyv = f32(args.backend, dy);
  if (!xv || !dyv || attrs.dataFormat === 'NCHW') return cpu(args);
  const info = convInfo(x.shape, attrs.filterShape, { ...attrs, dilations: 1 });
  const df = args.backend.alloc(sizeOf(info.filterShape));
  args.backend.addon.conv2dBackpropFilter(xv, dyv, df, geometry(info));
  return output(args.backend, info.filterShape, df);
}

/** Activations FusedConv2D applies natively (prelu goes to the cpu kernel). */
const UNARY_ACTIVATIONS: Record<string, number> = { relu: UNARY_OPS.Relu, relu6: UNARY_OPS.Relu6, sigmoid: UNARY_OPS.Sigmoid, elu: UNARY_OPS.Elu, leakyrelu: UNARY_OPS.LeakyRelu };

function fusedConv2D(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const attrs = args.attrs as unknown as ConvAttrs & { activation: string; leakyreluAlpha?: number };
  if (!(attrs.activation in ACTIVATIONS)) return cpu(args);
  const { backend } = args;
  const bias = args.inputs.bias;
  const biasValues = bias ? f32(backend, bias) : null;
  if (bias && !biasValues) return cpu(args);
  const filter = input(args, 'filter');
  const outChannels = filter.shape[3];
  // A per-channel bias ([Cout], or [1, ..., Cout]) and the activation run inside the conv.
  if (!bias || (sizeOf(bias.shape) === outChannels && bias.shape[bias.shape.length - 1] === outChannels)) {
    const epilogue = { bias: biasValues, activation: ACTIVATIONS[attrs.activation], alpha: attrs.leakyreluAlpha ?? 0.2 };
    return nativeConv(backend, input(args, 'x'), filter, attrs, epilogue) ?? cpu(args);
  }
  let y = nativeConv(backend, input(args, 'x'), filter, attrs);
  if (!y) return cpu(args);
  if (bias) {
    const biased = nativeBinary(backend, BINARY_OPS.Add, y, bias) as TensorInfo;
    backend.disposeIntermediateTensorInfo(y);
    y = biased;
  }
  const act = UNARY_ACTIVATIONS[attrs.activation];
  if (act !== undefined) {
    const activated = nativeUnary(backend, act, y, attrs.leakyreluAlpha ?? 0.2) as TensorInfo;
    backend.disposeIntermediateTensorInfo(y);
    y = activated;
  }
  return y;
}

export const convKernels: NativeKernel[] = [
  { kernelName: 'Conv2D', kernelFunc: conv2D },
  { kernelName: 'Conv2DBackpropInput', kernelFunc: conv2DBackpropInput },
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'FusedConv2D', kernelFunc: fusedConv2D },
];
