// Broadcasting binary ops (Add, Sub, Multiply, RealDiv, Maximum, Minimum, SquaredDifference,
// Pow), comparisons (bool outputs), AddN and Select, on float32 tensors.
import { tf } from '../../tfjs.js';
import { f32, output, sizeOf, type NativeBackend, type TensorInfo } from '../backend.js';
import { MIN_NATIVE_ELEMENTS } from './cutoff.js';
import { input, type CpuKernel, type KernelArgs, type NativeKernel } from './types.js';

/** Op codes shared with native/src/binary.cc. */
export const BINARY_OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6, Pow: 7 } as const;

/** op(a, b) broadcast, or null when an input is not float32. */
export function nativeBinary(backend: NativeBackend, op: number, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const av = f32(backend, a), bv = f32(backend, b);
  if (!av || !bv) return null;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.alloc(sizeOf(shape));
  backend.addon.binary(op, av, a.shape, bv, b.shape, out, shape);
  return output(backend, shape, out);
}

function binaryKernel(name: keyof typeof BINARY_OPS): NativeKernel {
  const op = BINARY_OPS[name];
  return {
    kernelName: name,
    kernelFunc: (args: KernelArgs, cpu: CpuKernel) => {
      const a = input(args, 'a'), b = input(args, 'b');
      // The output (which may be larger than both inputs) decides whether C++ is worth the call.
      if (sizeOf(tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape)) < MIN_NATIVE_ELEMENTS) return cpu(args);
      return nativeBinary(args.backend, op, a, b) ?? cpu(args);
    },
  };
}

/** Op codes shared with native/src/binary.cc. */
export const COMPARE_OPS = { Greater: 0, GreaterEqual: 1, Less: 2, LessEqual: 3, Equal: 4, NotEqual: 5 } as const;

function compareKernel(name: keyof typeof COMPARE_OPS): NativeKernel {
  const op = COMPARE_OPS[name];
  return {
    kernelName: name,
    kernelFunc: (args: KernelArgs, cpu: CpuKernel) => {
      const a = input(args, 'a'), b = input(args, 'b');
      const av = f32(args.backend, a), bv = f32(args.backend, b);
      if (!av || !bv || Math.max(av.length, bv.length) < MIN_NATIVE_ELEMENTS) return cpu(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = new Uint8Array(sizeOf(shape));
      args.backend.addon.compare(op, av, a.shape, bv, b.shape, out, shape);
      return args.backend.makeTensorInfo(shape, 'bool', out);
    },
  };
}

function select(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const condition = input(args, 'condition'), t = input(args, 't'), e = input(args, 'e');
  const cv = args.backend.data.get(condition.dataId).values;
  const tv = f32(args.backend, t), ev = f32(args.backend, e);
  if (!(cv instanceof Uint8Array) || condition.dtype !== 'bool' || !tv || !ev || tv.length < MIN_NATIVE_ELEMENTS) return cpu(args);
  if (cv.length !== tv.length || ev.length !== tv.length) return cpu(args); // rank-1 condition over rows
  const out = args.backend.alloc(tv.length);
  args.backend.addon.select(cv, tv, ev, out);
  return output(args.backend, t.shape, out);
}

function addN(args: KernelArgs, cpu: CpuKernel): TensorInfo | TensorInfo[] {
  const tensors = Object.values(args.inputs) as TensorInfo[];
  if (tensors.length === 0 || sizeOf(tensors[0].shape) < MIN_NATIVE_ELEMENTS) return cpu(args);
  const values: Float32Array[] = [];
  for (const t of tensors) {
    const v = f32(args.backend, t);
    if (!v || t.shape.join() !== tensors[0].shape.join()) return cpu(args);
    values.push(v);
  }
  const out = args.backend.alloc(values[0].length);
  args.backend.addon.addN(values, out);
  return output(args.backend, tensors[0].shape, out);
}

export const elementwiseKernels: NativeKernel[] = [
  ...(Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]).map(binaryKernel),
  ...(Object.keys(COMPARE_OPS) as (keyof typeof COMPARE_OPS)[]).map(compareKernel),
  { kernelName: 'AddN', kernelFunc: addN },
  { kernelName: 'Select', kernelFunc: select },
];
