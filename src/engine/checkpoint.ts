// Checkpoints of tf tensors plus JSON state: DIR/checkpoint.safetensors + DIR/checkpoint.json,
// saved atomically (see checkpoint-store.ts for the file protocol and its crash safety).
// float32 tensors are stored as F32, int32 as I32, bool as U8 (and U8 loads back as bool).
import { tf } from './tfjs.js';
import type { Tensor } from './tfjs.js';
import { readCheckpointFiles, writeCheckpointFiles } from './checkpoint-store.js';
import { fromTfTensor, toTfTensor } from './safetensors-tf.js';
import { setOwn } from './safetensors.js';
import type { StoredTensor } from './safetensors.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, PREVIOUS_WEIGHTS_FILE, STATE_FILE, WEIGHTS_FILE } from './checkpoint-store.js';

export interface Checkpoint {
  tensors: Record<string, Tensor>;
  /** Any JSON-serialisable value (finite numbers only: NaN and Infinity are refused). */
  state: unknown;
}

/** Saves tensors and state to dir (created if needed), replacing any checkpoint there atomically. */
export function saveCheckpoint(dir: string, ckpt: Checkpoint): void {
  if (!ckpt || typeof ckpt !== 'object' || !ckpt.tensors || typeof ckpt.tensors !== 'object') {
    throw new Error('saveCheckpoint: expected { tensors: Record<string, Tensor>, state }');
  }
  const stored: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(ckpt.tensors)) {
    if (!(t instanceof tf.Tensor)) throw new Error(`saveCheckpoint: tensors["${name}"] is not a tf Tensor`);
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') throw new Error(`saveCheckpoint: tensors["${name}"] has dtype ${t.dtype}, which checkpoints cannot hold`);
    setOwn(stored, name, fromTfTensor(t, undefined, `saveCheckpoint: tensors["${name}"]`));
  }
  writeCheckpointFiles(dir, { tensors: stored, state: ckpt.state });
}

/** Loads the checkpoint in dir; null when dir has no checkpoint.json. Corrupt or mismatched files are clear Errors. */
export function loadCheckpoint(dir: string): Checkpoint | null {
  const stored = readCheckpointFiles(dir);
  if (!stored) return null;
  const tensors: Record<string, Tensor> = {};
  for (const [name, s] of Object.entries(stored.tensors)) {
    const t = toTfTensor(s, `checkpoint ${dir} tensor "${name}"`);
    if (s.dtype === 'U8') {
      setOwn(tensors, name, tf.cast(t, 'bool'));
      t.dispose();
    } else {
      setOwn(tensors, name, t);
    }
  }
  return { tensors, state: stored.state };
}
