// Checkpoint files: stored tensors in DIR/checkpoint.safetensors and JSON state (optimizer,
// step, RNG...) in DIR/checkpoint.json, which also records the tensor list and the sha256 of the
// weights file. src/engine/checkpoint.ts puts tf tensors on top of this.
//
// Crash safety: checkpoint.json is the commit point. A save writes both files under temporary
// names and fsyncs them; moves the committed weights aside to checkpoint.prev.safetensors;
// renames the new weights into place; renames the new JSON into place (commit); then deletes the
// previous weights. At every moment one of checkpoint.safetensors / checkpoint.prev.safetensors
// has the sha256 that checkpoint.json names, and loading picks that one, so a process killed at
// any point (even SIGKILL) leaves either the previous complete checkpoint or the new one.
// One writer per directory at a time.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, describeValue, DTYPE_SIZE, encodeSafetensors, fsyncDir, setOwn, shapeSize } from './safetensors.js';
import type { SafetensorsDtype, StoredTensor } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'glassbox-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const WEIGHTS_FILE = 'checkpoint.safetensors';
export const PREVIOUS_WEIGHTS_FILE = 'checkpoint.prev.safetensors';
export const STATE_FILE = 'checkpoint.json';
const TEMP_MARK = '.tmp-';

export interface StoredCheckpoint {
  tensors: Record<string, StoredTensor>;
  /** Any JSON-serialisable value (finite numbers only). */
  state: unknown;
}

interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  weights: { file: string; bytes: number; sha256: string };
  tensors: Record<string, { dtype: SafetensorsDtype; shape: number[] }>;
  state: unknown;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws an Error naming the first value under `state` that JSON cannot hold faithfully. */
function checkJsonSafe(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`checkpoint ${path} is ${value}, which JSON cannot hold; store it another way (e.g. null or a string)`);
      return;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new Error(`checkpoint ${path} is a ${typeof value}, which JSON cannot hold`);
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new Error(`checkpoint ${path} refers back to itself (a cycle), which JSON cannot hold`);
      seen.add(value);
      if (Array.isArray(value)) value.forEach((v, i) => checkJsonSafe(v, `${path}[${i}]`, seen));
      else if (ArrayBuffer.isView(value)) throw new Error(`checkpoint ${path} is a typed array; put it in tensors or convert it with Array.from`);
      else for (const [k, v] of Object.entries(value)) checkJsonSafe(v, `${path}.${k}`, seen);
      seen.delete(value);
      return;
    }
    default:
      return;
  }
}

function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const tmp = join(dir, `.${name}${TEMP_MARK}${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Removes temporary files left by a save that was killed before it finished. */
function removeStaleTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    if ((name.startsWith(`.${WEIGHTS_FILE}${TEMP_MARK}`) || name.startsWith(`.${STATE_FILE}${TEMP_MARK}`))) removeQuietly(join(dir, name));
  }
}

function readManifestSha(dir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Partial<CheckpointManifest>;
    return typeof m?.weights?.sha256 === 'string' ? m.weights.sha256 : null;
  } catch {
    return null;
  }
}

/** Saves stored tensors and state to dir (created if needed), replacing any checkpoint there atomically. */
export function writeCheckpointFiles(dir: string, ckpt: StoredCheckpoint): void {
  if (!ckpt || typeof ckpt !== 'object' || !ckpt.tensors || typeof ckpt.tensors !== 'object') {
    throw new Error('writeCheckpointFiles: expected { tensors, state }');
  }
  checkJsonSafe(ckpt.state, 'state', new Set());
  const weights = encodeSafetensors(ckpt.tensors, { format: CHECKPOINT_FORMAT });
  const tensors: CheckpointManifest['tensors'] = {};
  for (const [name, t] of Object.entries(ckpt.tensors)) setOwn(tensors, name, { dtype: t.dtype, shape: [...t.shape] });
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    weights: { file: WEIGHTS_FILE, bytes: weights.length, sha256: sha256(weights) },
    tensors,
    state: ckpt.state,
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest) + '\n');

  mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const prevPath = join(dir, PREVIOUS_WEIGHTS_FILE);
  const weightsTmp = writeTemp(dir, WEIGHTS_FILE, weights);
  const jsonTmp = writeTemp(dir, STATE_FILE, json);
  try {
    // Keep the committed weights reachable: if an earlier save was interrupted after moving them
    // aside, checkpoint.prev.safetensors is the committed copy and stays; otherwise move the
    // current weights aside.
    const committedSha = readManifestSha(dir);
    const prevIsCommitted = committedSha !== null && existsSync(prevPath) && sha256(readFileSync(prevPath)) === committedSha;
    if (!prevIsCommitted && existsSync(weightsPath)) renameSync(weightsPath, prevPath);
    fsyncDir(dir);
    renameSync(weightsTmp, weightsPath);
    fsyncDir(dir);
    renameSync(jsonTmp, join(dir, STATE_FILE));
    fsyncDir(dir);
  } catch (err) {
    removeQuietly(weightsTmp);
    removeQuietly(jsonTmp);
    throw err;
  }
  removeQuietly(prevPath);
}

function fail(dir: string, message: string): never {
  throw new Error(`checkpoint ${dir}/${message}`);
}

function parseManifest(dir: string, text: string): CheckpointManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    fail(dir, `${STATE_FILE} is not valid JSON (${err instanceof Error ? err.message : String(err)}); the file is corrupt`);
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) fail(dir, `${STATE_FILE} must hold a JSON object`);
  const o = m as Record<string, unknown>;
  if (o.format !== CHECKPOINT_FORMAT) fail(dir, `${STATE_FILE} has format ${describeValue(o.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (o.version !== CHECKPOINT_VERSION) fail(dir, `${STATE_FILE} has version ${describeValue(o.version)}; this glassbox reads version ${CHECKPOINT_VERSION}`);
  const w = o.weights as Record<string, unknown> | undefined;
  if (!w || typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256) || !Number.isSafeInteger(w.bytes)) {
    fail(dir, `${STATE_FILE} field "weights" must be {file, bytes, sha256}`);
  }
  const t = o.tensors;
  if (!t || typeof t !== 'object' || Array.isArray(t)) fail(dir, `${STATE_FILE} field "tensors" must be an object`);
  for (const [name, info] of Object.entries(t as Record<string, unknown>)) {
    const i = info as Record<string, unknown> | null;
    if (!i || typeof i.dtype !== 'string' || !(i.dtype in DTYPE_SIZE)) fail(dir, `${STATE_FILE} entry tensors["${name}"] has no valid dtype`);
    shapeSize(i.shape, `checkpoint ${dir}/${STATE_FILE} entry tensors["${name}"]`);
  }
  if (!('state' in o)) fail(dir, `${STATE_FILE} has no "state" field`);
  return o as unknown as CheckpointManifest;
}

/** The weights bytes whose sha256 the manifest names, from the current or the previous weights file. */
function readCommittedWeights(dir: string, m: CheckpointManifest): Uint8Array {
  const weightsPath = join(dir, WEIGHTS_FILE);
  const prevPath = join(dir, PREVIOUS_WEIGHTS_FILE);
  const current = existsSync(weightsPath) ? readFileSync(weightsPath) : null;
  if (current && sha256(current) === m.weights.sha256) return current;
  if (existsSync(prevPath)) {
    const prev = readFileSync(prevPath);
    if (sha256(prev) === m.weights.sha256) return prev;
  }
  if (!current) fail(dir, `${WEIGHTS_FILE} is missing (${STATE_FILE} expects ${m.weights.bytes} bytes of weights)`);
  const size = current.length === m.weights.bytes ? `${current.length} bytes as expected` : `${current.length} bytes, expected ${m.weights.bytes}`;
  fail(dir, `${WEIGHTS_FILE} is truncated or does not match ${STATE_FILE} (sha256 mismatch; ${size})`);
}

/** Reads the checkpoint in dir; null when dir has no checkpoint.json. Corrupt or mismatched files are clear Errors. */
export function readCheckpointFiles(dir: string): StoredCheckpoint | null {
  const jsonPath = join(dir, STATE_FILE);
  if (!existsSync(jsonPath)) return null;
  const m = parseManifest(dir, readFileSync(jsonPath, 'utf8'));
  const bytes = readCommittedWeights(dir, m);
  let tensors: Record<string, StoredTensor>;
  try {
    tensors = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)).tensors;
  } catch (err) {
    fail(dir, `${WEIGHTS_FILE}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const expected = Object.keys(m.tensors).sort();
  const found = Object.keys(tensors).sort();
  if (expected.join('\u0000') !== found.join('\u0000')) {
    fail(dir, `${WEIGHTS_FILE} holds tensors [${found.join(', ')}] but ${STATE_FILE} lists [${expected.join(', ')}]`);
  }
  for (const name of expected) {
    const info = m.tensors[name];
    const s = tensors[name];
    if (s.dtype !== info.dtype || s.shape.join(',') !== info.shape.join(',')) {
      fail(dir, `${WEIGHTS_FILE} tensor "${name}" is ${s.dtype} [${s.shape}] but ${STATE_FILE} says ${info.dtype} [${info.shape}]`);
    }
  }
  return { tensors, state: m.state };
}
