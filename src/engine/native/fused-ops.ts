// Fused layer normalisation and GELU as tfjs ops with gradients: one C++ pass forward and one
// backward instead of the dozen kernels each composes to. They exist only on the native
// backend: each op returns null elsewhere, so callers keep their composed version as the
// fallback (and the reference the tests compare against).
import { tf, type Tensor } from '../tfjs.js';
import { f32, output, sizeOf, type NativeBackend, type TensorInfo } from './backend.js';
import { input, type KernelArgs } from './kernels/types.js';

const GELU = 'GlassboxGelu';
const GELU_GRAD = 'GlassboxGeluGrad';
const LAYER_NORM = 'GlassboxLayerNorm';
const LAYER_NORM_GRAD = 'GlassboxLayerNormGrad';

function values(backend: NativeBackend, t: TensorInfo, what: string): Float32Array {
  const v = f32(backend, t);
  if (!v) throw new Error(`${what}: expected a float32 tensor, got ${t.dtype}`);
  return v;
}

function gelu({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input({ inputs, backend }, 'x');
  const out = backend.alloc(sizeOf(x.shape));
  backend.addon.gelu(values(backend, x, 'gelu'), out, Boolean(attrs?.tanhForm));
  return output(backend, x.shape, out);
}

function geluGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = input({ inputs, backend }, 'dy'), x = input({ inputs, backend }, 'x');
  const dx = backend.alloc(sizeOf(x.shape));
  backend.addon.geluGrad(values(backend, dy, 'gelu grad'), values(backend, x, 'gelu grad'), dx, Boolean(attrs?.tanhForm));
  return output(backend, x.shape, dx);
}

function layerNorm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input({ inputs, backend }, 'x'), gamma = input({ inputs, backend }, 'gamma'), beta = input({ inputs, backend }, 'beta');
  const D = attrs?.normSize as number;
  const out = backend.alloc(sizeOf(x.shape));
  backend.addon.layerNorm(values(backend, x, 'layerNorm'), values(backend, gamma, 'layerNorm'), values(backend, beta, 'layerNorm'),
    out, sizeOf(x.shape) / D, D, attrs?.eps as number);
  return output(backend, x.shape, out);
}

function layerNormGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const dy = input({ inputs, backend }, 'dy'), x = input({ inputs, backend }, 'x'), gamma = input({ inputs, backend }, 'gamma');
  const D = attrs?.normSize as number;
  const dx = backend.alloc(sizeOf(x.shape)), dgamma = backend.alloc(D), dbeta = backend.alloc(D);
  backend.addon.layerNormGrad(values(backend, dy, 'layerNorm grad'), values(backend, x, 'layerNorm grad'), values(backend, gamma, 'layerNorm grad'),
    dx, dgamma, dbeta, sizeOf(x.shape) / D, D, attrs?.eps as number);
  return [output(backend, x.shape, dx), output(backend, gamma.shape, dgamma), output(backend, gamma.shape, dbeta)];
}

/** Registers the fused kernels (for `backendName`) and their gradients. */
export function registerFusedOps(backendName: string): void {
  const kernels: [string, (args: KernelArgs) => TensorInfo | TensorInfo[]][] = [
    [GELU, gelu], [GELU_GRAD, geluGrad], [LAYER_NORM, layerNorm], [LAYER_NORM_GRAD, layerNormGrad],
  ];
  for (const [kernelName, fn] of kernels) tf.registerKernel({ kernelName, backendName, kernelFunc: fn as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: GELU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => tf.engine().runKernel(GELU_GRAD, { dy: dy as Tensor, x: saved[0] }, attrs) as Tensor }),
  });
  tf.registerGradient({
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      // One kernel computes all three gradients; the engine asks for each in turn.
      const [dx, dgamma, dbeta] = tf.engine().runKernel(LAYER_NORM_GRAD, { dy: dy as Tensor, x: saved[0], gamma: saved[1] }, attrs) as Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

function onNative(...ts: Tensor[]): boolean {
  return tf.getBackend() === 'native' && ts.every((t) => t.dtype === 'float32');
}

/**
 * GELU, exact (0.5 x (1 + erf(x / sqrt 2))) or its tanh approximation, in one pass with a
 * fused gradient; null unless the native backend is active.
 */
export function nativeGelu(x: Tensor, approximate: 'none' | 'tanh'): Tensor | null {
  if (!onNative(x)) return null;
  return tf.engine().runKernel(GELU, { x }, { tanhForm: approximate === 'tanh' }) as Tensor;
}

/**
 * Layer norm over the trailing axes whose sizes multiply to `normSize`, then * gamma + beta
 * (both of `normSize` values; pass ones/zeros for none). Variance is biased, eps inside the
 * square root (as torch). Null unless the native backend is active.
 */
export function nativeLayerNorm(x: Tensor, gamma: Tensor, beta: Tensor, normSize: number, eps: number): Tensor | null {
  if (!onNative(x, gamma, beta)) return null;
  if (normSize <= 0 || x.size % normSize !== 0 || gamma.size !== normSize || beta.size !== normSize) {
    throw new Error(`nativeLayerNorm: x [${x.shape}] must split into rows of normSize ${normSize}, and gamma/beta must have ${normSize} values (got ${gamma.size}, ${beta.size})`);
  }
  return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, { normSize, eps }) as Tensor;
}
