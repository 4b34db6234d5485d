// Elementwise unary math on float32 tensors (formulas as in tfjs-backend-cpu).
import { f32, output, sizeOf, type NativeBackend, type TensorInfo } from '../backend.js';
import { MIN_NATIVE_ELEMENTS } from './cutoff.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

/** Op codes shared with native/src/unary.cc, by tfjs kernel name. */
export const UNARY_OPS = {
  Neg: 0, Abs: 1, Exp: 2, Log: 3, Sqrt: 4, Rsqrt: 5, Square: 6, Tanh: 7, Sigmoid: 8, Relu: 9, Relu6: 10,
  Step: 11, Erf: 12, Reciprocal: 13, Elu: 14, LeakyRelu: 15, Log1p: 16, Expm1: 17, ClipByValue: 18,
} as const;

/**
 * op(x) elementwise, or null when x is not float32. `alpha`: Step's value at x <= 0, LeakyRelu's
 * slope, ClipByValue's minimum; `beta`: ClipByValue's maximum.
 */
export function nativeUnary(backend: NativeBackend, op: number, x: TensorInfo, alpha = 0, beta = 0): TensorInfo | null {
  const xv = f32(backend, x);
  if (!xv) return null;
  const out = backend.alloc(xv.length);
  backend.addon.unary(op, xv, out, alpha, beta);
  return output(backend, x.shape, out);
}

function unaryKernel(name: keyof typeof UNARY_OPS): NativeKernel {
  const op = UNARY_OPS[name];
  return {
    kernelName: name,
    kernelFunc: (args: KernelArgs, cpu: CpuKernel) => {
      const x = input(args, 'x');
      if (sizeOf(x.shape) < MIN_NATIVE_ELEMENTS) return cpu(args);
      const attrs = args.attrs ?? {};
      const alpha = (name === 'ClipByValue' ? attrs.clipValueMin : attrs.alpha) as number | undefined;
      const beta = (name === 'ClipByValue' ? attrs.clipValueMax : 0) as number;
      return nativeUnary(args.backend, op, x, alpha ?? 0, beta) ?? cpu(args);
    },
  };
}

export const unaryKernels: NativeKernel[] = (Object.keys(UNARY_OPS) as (keyof typeof UNARY_OPS)[]).map(unaryKernel);
