// Fuzz-style robustness: many randomly corrupted, truncated and mutated files (seeded) must each
// either decode to well-formed tensors or throw a plain Error with a message; never another kind
// of exception from deep inside, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, DTYPE_SIZE, encodeSafetensors, fromFloat32 } from './safetensors.js';
import type { SafetensorsDtype, StoredTensor } from './safetensors.js';
import { Rng } from './rng.js';

const DTYPES = Object.keys(DTYPE_SIZE) as SafetensorsDtype[];

function validFile(rng: Rng): Uint8Array {
  const tensors: Record<string, StoredTensor> = {};
  const count = rng.int(5);
  for (let i = 0; i < count; i++) {
    const dtype = DTYPES[rng.int(DTYPES.length)];
    const shape = Array.from({ length: rng.int(4) }, () => rng.int(4));
    const n = shape.reduce((a, b) => a * b, 1);
    const f = rng.uniformArray(n, -10, 10);
    let t: StoredTensor;
    if (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16') t = fromFloat32(f, dtype, shape);
    else if (dtype === 'I32') t = { dtype, shape, data: Int32Array.from(f, Math.round) };
    else if (dtype === 'I64') t = { dtype, shape, data: BigInt64Array.from(f, (x) => BigInt(Math.round(x))) };
    else t = { dtype, shape, data: Uint8Array.from(f, (x) => Math.abs(Math.round(x))) };
    tensors[`t${i}.${['w', 'b', '__proto__', 'constructor', ''][rng.int(5)]}`] = t;
  }
  return encodeSafetensors(tensors, rng.int(2) ? { k: 'v' } : undefined);
}

function randomJson(rng: Rng, depth = 0): unknown {
  const choices: (() => unknown)[] = [
    () => null,
    () => rng.int(2) === 0,
    () => [0, 1, -1, 8, 1.5, -0.5, 2 ** 53, 2 ** 64, 1e308, -1e308, 7, 4096][rng.int(12)],
    () => rng.int(100),
    () => ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'F64', 'f32', '', '__proto__', '0'][rng.int(11)],
    () => (depth < 3 ? Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1)) : []),
    () => (depth < 3 ? { dtype: randomJson(rng, depth + 1), shape: randomJson(rng, depth + 1), data_offsets: randomJson(rng, depth + 1) } : {}),
    () => [rng.int(64), rng.int(64)],
  ];
  return choices[rng.int(choices.length)]();
}

function withHeader(file: Uint8Array, headerText: string, dataLenChange = 0): Uint8Array {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const data = file.subarray(8 + n);
  const json = new TextEncoder().encode(headerText);
  const keep = Math.max(0, data.length + dataLenChange);
  const out = new Uint8Array(8 + json.length + keep);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data.subarray(0, Math.min(keep, data.length)), 8 + json.length);
  return out;
}

function mutateHeader(file: Uint8Array, rng: Rng): Uint8Array {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))) as Record<string, any>;
  const names = Object.keys(header);
  const kind = rng.int(6);
  if (names.length === 0 || kind === 0) {
    Object.defineProperty(header, ['x', '__proto__', '__metadata__', 'toString'][rng.int(4)], { value: randomJson(rng), enumerable: true });
  } else {
    const name = names[rng.int(names.length)];
    const entry = header[name];
    if (kind === 1 || typeof entry !== 'object' || entry === null) header[name] = randomJson(rng);
    else if (kind === 2) entry[['dtype', 'shape', 'data_offsets', 'extra'][rng.int(4)]] = randomJson(rng);
    else if (kind === 3) delete entry[['dtype', 'shape', 'data_offsets'][rng.int(3)]];
    else if (kind === 4 && Array.isArray(entry.data_offsets)) {
      // Move one end, or shift the whole range (same size: makes gaps and overlaps).
      const delta = rng.int(9) - 4;
      if (rng.int(2)) entry.data_offsets[rng.int(2)] += delta;
      else entry.data_offsets = entry.data_offsets.map((x: number) => x + delta);
    }
    else if (Array.isArray(entry.shape) && entry.shape.length) entry.shape[rng.int(entry.shape.length)] += rng.int(3) - 1;
    else entry.dtype = DTYPES[rng.int(DTYPES.length)];
  }
  return withHeader(file, JSON.stringify(header), rng.int(3) === 0 ? rng.int(9) - 4 : 0);
}

function mutate(file: Uint8Array, rng: Rng): Uint8Array {
  const out = Uint8Array.from(file);
  const view = new DataView(out.buffer);
  switch (rng.int(9)) {
    case 0:
      return out.slice(0, rng.int(out.length + 1));
    case 1: {
      for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(out.length)] ^= 1 + rng.int(255);
      return out;
    }
    case 2: {
      const n = Number(view.getBigUint64(0, true));
      for (let k = 1 + rng.int(3); k > 0; k--) out[8 + rng.int(Math.max(1, n))] = ' {}[],:"0123456789-.eE\\\u00ff'.charCodeAt(rng.int(24)) & 0xff;
      return out;
    }
    case 3: {
      const n = view.getBigUint64(0, true);
      const values = [0n, 1n, 7n, n - 1n, n + 1n, n + 8n, BigInt(out.length), 2n ** 64n - 1n, 100_000_000n, 100_000_001n, BigInt(rng.nextUint32())];
      view.setBigUint64(0, BigInt.asUintN(64, values[rng.int(values.length)]), true);
      return out;
    }
    case 4: {
      const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      const grown = new Uint8Array(out.length + extra.length);
      grown.set(out);
      grown.set(extra, out.length);
      return grown;
    }
    case 5:
    case 6:
      return mutateHeader(file, rng);
    case 7:
      return Uint8Array.from({ length: rng.int(40) }, () => rng.int(256));
    default: {
      const texts = ['', ' ', '{}', '[]', 'null', '"x"', '1', '{"a":', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
        `{"a":{"dtype":"F32","shape":${'['.repeat(100000)}${']'.repeat(100000)},"data_offsets":[0,0]}}`,
        '{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}',
        '{"__metadata__":{"toString":"x","__proto__":"y"}}', '{"__metadata__":{"__proto__":{}}}'];
      return withHeader(file, texts[rng.int(texts.length)], rng.int(9) - 4);
    }
  }
}

const ARRAY_TYPE: Record<SafetensorsDtype, Function> = { F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I32: Int32Array, I64: BigInt64Array, U8: Uint8Array };

function checkDecoded(bytes: Uint8Array): void {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  let total = 0;
  for (const [name, t] of Object.entries(tensors)) {
    assert.ok(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), name);
    assert.ok(t.data instanceof ARRAY_TYPE[t.dtype], name);
    assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), name);
    total += t.data.length * DTYPE_SIZE[t.dtype];
  }
  assert.equal(total, bytes.length - 8 - n, 'decoded tensors cover the data buffer exactly');
  for (const v of Object.values(metadata)) assert.equal(typeof v, 'string');
}

test('hundreds of corrupted files each decode cleanly or throw a plain Error with a message', { timeout: 60_000 }, () => {
  const rng = new Rng(2024);
  const cases = 1500;
  let decoded = 0;
  const messages = new Set<string>();
  const start = performance.now();
  for (let i = 0; i < cases; i++) {
    const caseRng = rng.fork(`case${i}`);
    const file = mutate(validFile(caseRng), caseRng);
    try {
      checkDecoded(file);
      decoded++;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      const e = err as Error;
      assert.equal(e?.constructor, Error, `case ${i}: expected a plain Error, got ${e?.constructor?.name}: ${e?.message}\n${e?.stack}`);
      assert.ok(typeof e.message === 'string' && e.message.length > 10, `case ${i}: empty message`);
      messages.add(e.message.replace(/\d+/g, 'N').replace(/"[^"]*"/g, 'S').slice(0, 40));
    }
  }
  const ms = performance.now() - start;
  // The mutations reach many different checks, and some mutated files are still valid.
  assert.ok(messages.size >= 20, `only ${messages.size} kinds of error were reached: ${[...messages].join(' | ')}`);
  assert.ok(decoded > 20 && decoded < cases / 2, `${decoded} of ${cases} mutated files decoded`);
  assert.ok(ms < 30_000, `fuzzing took ${ms.toFixed(0)} ms`);
});
