// The IDX format (MNIST, Fashion-MNIST): two zero bytes, a data type code, the number of
// dimensions, each dimension as a big-endian uint32, then the values, big-endian, row-major.
// Gzipped files are recognised by the gzip magic bytes and decompressed first.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dims: number[];
  dtype: IdxDtype;
  data: IdxData;
}

interface DtypeInfo {
  code: number;
  size: number;
  array: new (n: number) => IdxData;
  get: (v: DataView, at: number) => number;
  set: (v: DataView, at: number, x: number) => void;
}

const DTYPES: Readonly<Record<IdxDtype, DtypeInfo>> = {
  uint8: { code: 0x08, size: 1, array: Uint8Array, get: (v, i) => v.getUint8(i), set: (v, i, x) => v.setUint8(i, x) },
  int8: { code: 0x09, size: 1, array: Int8Array, get: (v, i) => v.getInt8(i), set: (v, i, x) => v.setInt8(i, x) },
  int16: { code: 0x0b, size: 2, array: Int16Array, get: (v, i) => v.getInt16(i), set: (v, i, x) => v.setInt16(i, x) },
  int32: { code: 0x0c, size: 4, array: Int32Array, get: (v, i) => v.getInt32(i), set: (v, i, x) => v.setInt32(i, x) },
  float32: { code: 0x0d, size: 4, array: Float32Array, get: (v, i) => v.getFloat32(i), set: (v, i, x) => v.setFloat32(i, x) },
  float64: { code: 0x0e, size: 8, array: Float64Array, get: (v, i) => v.getFloat64(i), set: (v, i, x) => v.setFloat64(i, x) },
};

const CODE_NAMES = Object.entries(DTYPES)
  .map(([name, d]) => `0x${hex(d.code)} ${name}`)
  .join(', ');

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

function dtypeOfCode(code: number): IdxDtype | null {
  for (const [name, d] of Object.entries(DTYPES)) if (d.code === code) return name as IdxDtype;
  return null;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes IDX bytes (raw or gzipped). `source` names the data in error messages. */
export function decodeIdx(input: Uint8Array, source = 'IDX data'): IdxArray {
  // A plain Uint8Array view, so that slice() copies (Buffer's slice would share memory).
  let bytes = new Uint8Array(input.buffer, input.byteOffset, input.length);
  if (isGzip(bytes)) {
    try {
      const out = gunzipSync(bytes);
      bytes = new Uint8Array(out.buffer, out.byteOffset, out.length);
    } catch (err) {
      throw new Error(`${source}: not a valid gzip stream (${err instanceof Error ? err.message : String(err)}); the file is corrupt or truncated`);
    }
  }
  if (bytes.length < 4) throw new Error(`${source}: ${bytes.length} bytes is shorter than the 4-byte IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: wrong magic: an IDX file starts with 00 00, got ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file)`);
  }
  const dtype = dtypeOfCode(bytes[2]);
  if (!dtype) throw new Error(`${source}: unknown IDX data type code 0x${hex(bytes[2])} (known: ${CODE_NAMES})`);
  const ndims = bytes[3];
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) throw new Error(`${source}: truncated header: ${ndims} dimensions need ${headerLen} bytes, the data has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    dims.push(view.getUint32(4 + 4 * i));
    count *= dims[i];
  }
  const { size, array, get } = DTYPES[dtype];
  if (!Number.isSafeInteger(count * size)) throw new Error(`${source}: dimensions [${dims.join(', ')}] hold too many elements (product overflows)`);
  const dataLen = count * size;
  const have = bytes.length - headerLen;
  if (have < dataLen) {
    throw new Error(`${source}: truncated data: dimensions [${dims.join(', ')}] of ${dtype} need ${dataLen} bytes, found ${have}`);
  }
  if (have > dataLen) throw new Error(`${source}: ${have - dataLen} trailing bytes after the ${dataLen} data bytes of dimensions [${dims.join(', ')}]`);
  let data: IdxData;
  if (dtype === 'uint8') data = bytes.slice(headerLen);
  else if (dtype === 'int8') data = new Int8Array(bytes.slice(headerLen).buffer);
  else {
    data = new array(count);
    for (let i = 0, at = headerLen; i < count; i++, at += size) data[i] = get(view, at);
  }
  return { dims, dtype, data };
}

/** Reads an IDX file, gzipped (detected by its magic bytes) or raw. Errors name the file. */
export function readIdxFile(path: string): IdxArray {
  return decodeIdx(readFileSync(path), `IDX file ${path}`);
}

/** Encodes an array as raw (uncompressed) IDX bytes; gzip them with node:zlib's gzipSync if wanted. */
export function encodeIdx(arr: IdxArray): Uint8Array {
  const info = DTYPES[arr.dtype];
  if (!info) throw new Error(`encodeIdx: unknown dtype ${JSON.stringify(arr.dtype)} (known: ${Object.keys(DTYPES).join(', ')})`);
  const { dims, data } = arr;
  if (!Array.isArray(dims) || dims.length > 255) throw new Error('encodeIdx: dims must be an array of at most 255 dimensions');
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new Error(`encodeIdx: each dimension must be an integer in 0..2^32-1, got [${dims.join(', ')}]`);
    count *= d;
  }
  if (!(data instanceof info.array)) throw new Error(`encodeIdx: dtype ${arr.dtype} needs its data in a ${info.array.name}, got ${(data as object)?.constructor?.name}`);
  if (data.length !== count) throw new Error(`encodeIdx: dimensions [${dims.join(', ')}] hold ${count} elements but data has ${data.length}`);
  const headerLen = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLen + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0, at = headerLen; i < count; i++, at += info.size) info.set(view, at, data[i]);
  return out;
}
