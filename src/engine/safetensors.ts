// The safetensors file format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {key: string}}), then the
// tensor bytes (little-endian), offsets relative to the start of that byte buffer.
// Decoding validates everything before touching tensor bytes, so a corrupt or hostile file is
// an Error that names the problem, never an out-of-bounds read.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { decodeHalf, encodeHalf } from './float16.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8';

export type StoredData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

export interface StoredTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Row-major values. F16 and BF16 hold raw bits (use toFloat32 / fromFloat32). */
  data: StoredData;
}

export interface SafetensorsContents {
  tensors: Record<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1 };

type ArrayCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => StoredData;
const ARRAY_TYPE: Readonly<Record<SafetensorsDtype, ArrayCtor>> = {
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I32: Int32Array,
  I64: BigInt64Array,
  U8: Uint8Array,
};

const METADATA_KEY = '__metadata__';
/** Headers larger than this are rejected as hostile (the reference implementation uses the same bound). */
export const MAX_HEADER_BYTES = 100_000_000;
const TENSOR_FIELDS = ['dtype', 'shape', 'data_offsets'];

function isDtype(x: unknown): x is SafetensorsDtype {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, x);
}

function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('safetensors: this host is big-endian, which glassbox does not support');
}

/** Number of elements of a shape; throws when it is not a list of non-negative safe integers. */
export function shapeSize(shape: unknown, what: string): number {
  if (!Array.isArray(shape)) throw new Error(`${what}: shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new Error(`${what}: shape must be an array of non-negative integers, got ${describeValue(shape)}`);
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new Error(`${what}: shape ${JSON.stringify(shape)} has too many elements`);
  return n;
}

/** A short printable form of any parsed-JSON value, for error messages (never throws). */
export function describeValue(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = Array.isArray(x) ? 'a deeply nested array' : `a deeply nested ${typeof x}`;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Sets an own enumerable property, even for keys such as "__proto__" that plain assignment would not create. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function checkTensor(name: string, t: StoredTensor): number {
  const what = `safetensors tensor "${name}"`;
  if (!t || typeof t !== 'object') throw new Error(`${what}: expected {dtype, shape, data}, got ${describeValue(t)}`);
  if (!isDtype(t.dtype)) throw new Error(`${what}: unknown dtype ${describeValue(t.dtype)} (expected one of ${Object.keys(DTYPE_SIZE).join(', ')})`);
  const n = shapeSize(t.shape, what);
  const want = ARRAY_TYPE[t.dtype];
  if (!(t.data instanceof want)) {
    throw new Error(`${what}: dtype ${t.dtype} needs its data in a ${want.name}, got ${t.data?.constructor?.name ?? typeof t.data}`);
  }
  if (t.data.length !== n) throw new Error(`${what}: shape ${JSON.stringify(t.shape)} has ${n} elements but data has ${t.data.length}`);
  return n * DTYPE_SIZE[t.dtype];
}

/**
 * Encodes tensors (and optional string metadata) as safetensors bytes. Tensors are laid out
 * contiguously, larger element sizes first then by name, so every tensor is aligned to its
 * element size; the header is padded with spaces to a multiple of 8 bytes.
 */
export function encodeSafetensors(tensors: Record<string, StoredTensor>, metadata?: Record<string, string>): Uint8Array {
  assertLittleEndianHost();
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) throw new Error('safetensors metadata must be an object of strings');
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`safetensors metadata "${k}" must be a string, got ${describeValue(v)}`);
    }
    if (Object.keys(metadata).length) header[METADATA_KEY] = { ...metadata };
  }
  if (Object.prototype.hasOwnProperty.call(tensors, METADATA_KEY)) throw new Error(`safetensors: "${METADATA_KEY}" is reserved and cannot name a tensor`);
  const byteSize = new Map<string, number>();
  for (const name of Object.keys(tensors)) byteSize.set(name, checkTensor(name, tensors[name]));
  const names = [...byteSize.keys()].sort((a, b) => {
    const d = DTYPE_SIZE[tensors[b].dtype] - DTYPE_SIZE[tensors[a].dtype];
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const sizes = names.map((name) => byteSize.get(name)!);
  let offset = 0;
  names.forEach((name, i) => {
    const t = tensors[name];
    setOwn(header, name, { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + sizes[i]] });
    offset += sizes[i];
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  names.forEach((name, i) => {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, sizes[i]), pos);
    pos += sizes[i];
  });
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown): Entry {
  const what = `safetensors header: tensor "${name}"`;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be an object {dtype, shape, data_offsets}, got ${describeValue(value)}`);
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (!TENSOR_FIELDS.includes(k)) throw new Error(`${what} has unknown field "${k}"`);
  }
  for (const k of TENSOR_FIELDS) {
    if (!(k in v)) throw new Error(`${what} is missing field "${k}"`);
  }
  if (!isDtype(v.dtype)) throw new Error(`${what} has unknown dtype ${describeValue(v.dtype)} (supported: ${Object.keys(DTYPE_SIZE).join(', ')})`);
  const n = shapeSize(v.shape, what);
  const off = v.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw new Error(`${what}: data_offsets must be two non-negative integers [begin, end], got ${describeValue(off)}`);
  }
  const [begin, end] = off as number[];
  if (begin > end) throw new Error(`${what}: data_offsets begin ${begin} is after end ${end}`);
  const bytes = n * DTYPE_SIZE[v.dtype];
  if (end - begin !== bytes) {
    throw new Error(`${what}: dtype ${v.dtype} with shape ${JSON.stringify(v.shape)} needs ${bytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype: v.dtype, shape: (v.shape as number[]).slice(), begin, end };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`safetensors header: "${METADATA_KEY}" must be an object of strings, got ${describeValue(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new Error(`safetensors header: metadata "${k}" must be a string, got ${describeValue(v)}`);
    setOwn(out, k, v);
  }
  return out;
}

/** Decodes safetensors bytes, validating the header strictly. Tensor data are copies (aligned, independent of `bytes`). */
export function decodeSafetensors(input: Uint8Array): SafetensorsContents {
  assertLittleEndianHost();
  if (!(input instanceof Uint8Array)) throw new Error('safetensors: expected the file contents as a Uint8Array');
  // A plain Uint8Array view, so that slice() copies (Buffer's slice would share memory).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.length);
  if (bytes.length < 8) throw new Error(`safetensors: file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw new Error(`safetensors: header length ${n64} is larger than the ${MAX_HEADER_BYTES}-byte limit (corrupt or hostile file)`);
  const headerLen = Number(n64);
  if (8 + headerLen > bytes.length) throw new Error(`safetensors: header length ${headerLen} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw new Error('safetensors: header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new Error(`safetensors: header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error(`safetensors: header must be a JSON object, got ${describeValue(header)}`);

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value));
  }

  const bufferStart = 8 + headerLen;
  const bufferLen = bytes.length - bufferStart;
  for (const e of entries) {
    if (e.end > bufferLen) throw new Error(`safetensors: tensor "${e.name}" data_offsets [${e.begin}, ${e.end}] run past the ${bufferLen}-byte data buffer (truncated?)`);
  }
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let prev: Entry | null = null;
  for (const e of ordered) {
    if (e.begin < covered) throw new Error(`safetensors: tensors "${prev!.name}" and "${e.name}" overlap (bytes ${e.begin}..${Math.min(covered, e.end)})`);
    if (e.begin > covered) throw new Error(`safetensors: bytes ${covered}..${e.begin} of the data buffer belong to no tensor (gap before "${e.name}")`);
    covered = e.end;
    prev = e;
  }
  if (covered !== bufferLen) throw new Error(`safetensors: ${bufferLen - covered} trailing bytes after the last tensor belong to no tensor`);

  const tensors: Record<string, StoredTensor> = {};
  for (const e of entries) {
    const copy = bytes.slice(bufferStart + e.begin, bufferStart + e.end);
    const count = (e.end - e.begin) / DTYPE_SIZE[e.dtype];
    setOwn(tensors, e.name, { dtype: e.dtype, shape: e.shape, data: new ARRAY_TYPE[e.dtype](copy.buffer, 0, count) });
  }
  return { tensors, metadata };
}

/** Reads and decodes a safetensors file; errors name the file. */
export function readSafetensorsFile(path: string): SafetensorsContents {
  const bytes = readFileSync(path);
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let tempCounter = 0;

/**
 * Writes bytes to `path` atomically: a temporary file in the same directory, fsync, rename,
 * then fsync of the directory. Readers see the old file or the new one, never a partial one.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${tempCounter++}`);
  const fd = openSync(tmp, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    removeQuietly(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  fsyncDir(dirname(path));
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Flushes a directory entry change (a rename) to disk where the platform allows it. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename itself is still atomic.
  } finally {
    closeSync(fd);
  }
}

/** Encodes and writes a safetensors file atomically. */
export function writeSafetensorsFile(path: string, tensors: Record<string, StoredTensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** A stored tensor's values as float32 (F16/BF16 decoded, integers converted; always a copy). */
export function toFloat32(t: StoredTensor): Float32Array {
  switch (t.dtype) {
    case 'F32':
      return (t.data as Float32Array).slice();
    case 'F16':
    case 'BF16':
      return decodeHalf(t.data as Uint16Array, t.dtype);
    case 'I32':
    case 'U8':
      return new Float32Array(t.data as Int32Array | Uint8Array);
    case 'I64': {
      const d = t.data as BigInt64Array;
      const out = new Float32Array(d.length);
      for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
      return out;
    }
  }
}

/** A stored tensor of float32 values encoded as F32, F16 or BF16 (round to nearest even). */
export function fromFloat32(data: ArrayLike<number>, dtype: 'F32' | 'F16' | 'BF16', shape: number[] = [data.length]): StoredTensor {
  const n = shapeSize(shape, 'fromFloat32');
  if (n !== data.length) throw new Error(`fromFloat32: shape ${JSON.stringify(shape)} has ${n} elements but data has ${data.length}`);
  const out = dtype !== 'F32' ? encodeHalf(data, dtype) : data instanceof Float32Array ? data.slice() : Float32Array.from(data);
  return { dtype, shape: [...shape], data: out };
}
