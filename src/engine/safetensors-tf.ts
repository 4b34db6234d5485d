// Conversions between safetensors' stored tensors and tf tensors (tf has float32, int32 and bool).
import { tf } from './tfjs.js';
import type { Tensor } from './tfjs.js';
import { fromFloat32, toFloat32 } from './safetensors.js';
import type { SafetensorsDtype, StoredTensor } from './safetensors.js';

/**
 * A tf tensor holding a stored tensor's values: F32/F16/BF16 become float32, I32/U8 int32,
 * I64 int32 when every value fits (an Error otherwise).
 */
export function toTfTensor(t: StoredTensor, name = 'tensor'): Tensor {
  switch (t.dtype) {
    case 'F32':
    case 'F16':
    case 'BF16':
      return tf.tensor(toFloat32(t), t.shape, 'float32');
    case 'I32':
      return tf.tensor((t.data as Int32Array).slice(), t.shape, 'int32');
    case 'U8':
      return tf.tensor(new Int32Array(t.data as Uint8Array), t.shape, 'int32');
    case 'I64': {
      const d = t.data as BigInt64Array;
      const out = new Int32Array(d.length);
      for (let i = 0; i < d.length; i++) {
        if (d[i] < -2147483648n || d[i] > 2147483647n) throw new Error(`${name}: I64 value ${d[i]} at index ${i} does not fit tf's int32`);
        out[i] = Number(d[i]);
      }
      return tf.tensor(out, t.shape, 'int32');
    }
  }
}

/**
 * A stored tensor of a tf tensor's values. float32 tensors are stored as F32 (or F16/BF16 when
 * asked), int32 as I32 (or I64, or U8 when every value is in 0..255), bool as U8.
 */
export function fromTfTensor(t: Tensor, dtype?: SafetensorsDtype, name = 'tensor'): StoredTensor {
  const shape = [...t.shape];
  const values = t.dataSync();
  if (t.dtype === 'float32') {
    const want = dtype ?? 'F32';
    if (want !== 'F32' && want !== 'F16' && want !== 'BF16') throw new Error(`${name}: cannot store a float32 tensor as ${want}`);
    return fromFloat32(values as Float32Array, want, shape);
  }
  if (t.dtype === 'int32' || t.dtype === 'bool') {
    const want = dtype ?? (t.dtype === 'bool' ? 'U8' : 'I32');
    const ints = values as Int32Array | Uint8Array;
    switch (want) {
      case 'I32':
        return { dtype: 'I32', shape, data: new Int32Array(ints) };
      case 'I64':
        return { dtype: 'I64', shape, data: BigInt64Array.from(ints, (x) => BigInt(x)) };
      case 'U8': {
        for (let i = 0; i < ints.length; i++) {
          if (ints[i] < 0 || ints[i] > 255) throw new Error(`${name}: value ${ints[i]} at index ${i} does not fit U8`);
        }
        return { dtype: 'U8', shape, data: new Uint8Array(ints) };
      }
      default:
        throw new Error(`${name}: cannot store a ${t.dtype} tensor as ${want}`);
    }
  }
  throw new Error(`${name}: tf dtype ${t.dtype} cannot be stored in safetensors`);
}
