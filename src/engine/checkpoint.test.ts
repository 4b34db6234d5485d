import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from './backend.js';
import { tf } from './tfjs.js';
import { loadCheckpoint, PREVIOUS_WEIGHTS_FILE, saveCheckpoint, STATE_FILE, WEIGHTS_FILE } from './checkpoint.js';
import { Rng } from './rng.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'glassbox-ckpt-'));
}

function sampleCheckpoint() {
  return {
    tensors: {
      'layer.0.weight': tf.tensor([[1, 2, 3], [4, 5, -6.5]]),
      'layer.0.bias': tf.tensor([0.25, -0.5, 1e-8]),
      step: tf.scalar(17, 'int32'),
      mask: tf.tensor([true, false, true], [3], 'bool'),
      none: tf.zeros([0, 4]),
    },
    state: { step: 17, optimizer: { name: 'adam', beta1: 0.9, m: [0.1, -0.2] }, rng: new Rng(3).getState(), tag: null },
  };
}

test('round trip: tensors (values, shapes, dtypes) and state', async () => {
  await initBackend();
  const dir = tempDir();
  try {
    assert.equal(loadCheckpoint(dir), null);
    assert.equal(loadCheckpoint(join(dir, 'missing')), null);
    const ckpt = sampleCheckpoint();
    saveCheckpoint(join(dir, 'run'), ckpt);
    const back = loadCheckpoint(join(dir, 'run'))!;
    assert.deepEqual(back.state, ckpt.state);
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(ckpt.tensors).sort());
    for (const [name, t] of Object.entries(ckpt.tensors)) {
      const b = back.tensors[name];
      assert.equal(b.dtype, t.dtype, name);
      assert.deepEqual(b.shape, t.shape, name);
      assert.deepEqual(b.arraySync(), t.arraySync(), name);
    }
    assert.deepEqual(readdirSync(join(dir, 'run')).sort(), [STATE_FILE, WEIGHTS_FILE]);
    // Saving again replaces it and leaves no temporary or previous files behind.
    saveCheckpoint(join(dir, 'run'), { tensors: { x: tf.scalar(2) }, state: { step: 18 } });
    assert.deepEqual(readdirSync(join(dir, 'run')).sort(), [STATE_FILE, WEIGHTS_FILE]);
    assert.deepEqual(loadCheckpoint(join(dir, 'run'))!.state, { step: 18 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('state that JSON cannot hold is refused when saving', async () => {
  await initBackend();
  const dir = tempDir();
  try {
    assert.throws(() => saveCheckpoint(dir, { tensors: {}, state: { best: { loss: Infinity } } }), /checkpoint state.best.loss is Infinity/);
    assert.throws(() => saveCheckpoint(dir, { tensors: {}, state: { xs: [1, NaN] } }), /checkpoint state.xs\[1\] is NaN/);
    assert.throws(() => saveCheckpoint(dir, { tensors: {}, state: { n: 1n } }), /state.n is a bigint/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    assert.throws(() => saveCheckpoint(dir, { tensors: {}, state: cyc }), /state.self refers back to itself/);
    assert.throws(() => saveCheckpoint(dir, { tensors: { w: [1, 2] as never }, state: 0 }), /tensors\["w"\] is not a tf Tensor/);
    assert.equal(existsSync(join(dir, STATE_FILE)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('truncated, corrupt or mismatched files give clear errors', async () => {
  await initBackend();
  const dir = tempDir();
  try {
    saveCheckpoint(dir, sampleCheckpoint());
    const weights = join(dir, WEIGHTS_FILE);
    const json = join(dir, STATE_FILE);
    const goodWeights = readFileSync(weights);
    const goodJson = readFileSync(json, 'utf8');

    writeFileSync(weights, goodWeights.subarray(0, goodWeights.length - 5));
    assert.throws(() => loadCheckpoint(dir), {
      message: `checkpoint ${dir}/${WEIGHTS_FILE} is truncated or does not match ${STATE_FILE} (sha256 mismatch; ${goodWeights.length - 5} bytes, expected ${goodWeights.length})`,
    });

    const flipped = Buffer.from(goodWeights);
    flipped[flipped.length - 1] ^= 1;
    writeFileSync(weights, flipped);
    assert.throws(() => loadCheckpoint(dir), /checkpoint .*checkpoint.safetensors is truncated or does not match checkpoint.json \(sha256 mismatch; \d+ bytes as expected\)/);

    rmSync(weights);
    assert.throws(() => loadCheckpoint(dir), /checkpoint .*checkpoint.safetensors is missing/);
    writeFileSync(weights, goodWeights);

    writeFileSync(json, goodJson.slice(0, goodJson.length / 2));
    assert.throws(() => loadCheckpoint(dir), /checkpoint .*checkpoint.json is not valid JSON \(.*\); the file is corrupt/);
    writeFileSync(json, '[1]');
    assert.throws(() => loadCheckpoint(dir), /checkpoint.json must hold a JSON object/);
    writeFileSync(json, goodJson.replace('"version":1', '"version":7'));
    assert.throws(() => loadCheckpoint(dir), /checkpoint.json has version 7; this glassbox reads version 1/);
    writeFileSync(json, goodJson.replace('"glassbox-checkpoint"', '"other"'));
    assert.throws(() => loadCheckpoint(dir), /checkpoint.json has format "other", expected "glassbox-checkpoint"/);
    writeFileSync(json, goodJson.replace('"layer.0.bias"', '"layer.0.b"'));
    assert.throws(() => loadCheckpoint(dir), /holds tensors \[.*layer.0.bias.*\] but checkpoint.json lists \[.*layer.0.b,.*\]/);

    writeFileSync(json, goodJson);
    assert.ok(loadCheckpoint(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every intermediate state of an interrupted save loads the old or the new checkpoint', async () => {
  await initBackend();
  const dir = tempDir();
  try {
    const old = join(dir, 'old'), neu = join(dir, 'new'), work = join(dir, 'work');
    saveCheckpoint(old, { tensors: { x: tf.scalar(1) }, state: { step: 1 } });
    saveCheckpoint(neu, { tensors: { x: tf.scalar(2) }, state: { step: 2 } });
    const stepOf = () => (loadCheckpoint(work)!.state as { step: number }).step;
    const valueOf = () => loadCheckpoint(work)!.tensors.x.arraySync();
    const setUp = (files: Record<string, string>) => {
      rmSync(work, { recursive: true, force: true });
      saveCheckpoint(work, { tensors: {}, state: null });
      for (const f of readdirSync(work)) rmSync(join(work, f));
      for (const [name, from] of Object.entries(files)) copyFileSync(from, join(work, name));
    };
    // Committed weights moved aside; new weights not yet in place.
    setUp({ [STATE_FILE]: join(old, STATE_FILE), [PREVIOUS_WEIGHTS_FILE]: join(old, WEIGHTS_FILE) });
    assert.equal(stepOf(), 1);
    assert.equal(valueOf(), 1);
    // New weights in place, JSON not yet committed.
    setUp({ [STATE_FILE]: join(old, STATE_FILE), [PREVIOUS_WEIGHTS_FILE]: join(old, WEIGHTS_FILE), [WEIGHTS_FILE]: join(neu, WEIGHTS_FILE) });
    assert.equal(stepOf(), 1);
    assert.equal(valueOf(), 1);
    // A further save from that state must keep the committed copy reachable until it commits.
    saveCheckpoint(work, { tensors: { x: tf.scalar(3) }, state: { step: 3 } });
    assert.equal(valueOf(), 3);
    // JSON committed, previous weights not yet deleted.
    setUp({ [STATE_FILE]: join(neu, STATE_FILE), [PREVIOUS_WEIGHTS_FILE]: join(old, WEIGHTS_FILE), [WEIGHTS_FILE]: join(neu, WEIGHTS_FILE) });
    assert.equal(stepOf(), 2);
    assert.equal(valueOf(), 2);
    saveCheckpoint(work, { tensors: { x: tf.scalar(4) }, state: { step: 4 } });
    assert.equal(valueOf(), 4);
    assert.deepEqual(readdirSync(work).sort(), [STATE_FILE, WEIGHTS_FILE]);
    // Leftover temporary files are ignored by load and cleaned by the next save.
    writeFileSync(join(work, `.${WEIGHTS_FILE}.tmp-99999`), 'junk');
    assert.equal(valueOf(), 4);
    saveCheckpoint(work, { tensors: { x: tf.scalar(5) }, state: { step: 5 } });
    assert.deepEqual(readdirSync(work).sort(), [STATE_FILE, WEIGHTS_FILE]);
    renameSync(join(work, WEIGHTS_FILE), join(work, 'elsewhere'));
    assert.throws(() => loadCheckpoint(work), /is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const CHILD = fileURLToPath(new URL('./checkpoint.kill-child.ts', import.meta.url));

/** Runs the saving child in `dir` and SIGKILLs it `kills` times at random moments, checking the checkpoint after each kill. */
async function killLoop(dir: string, kills: number, rng: Rng): Promise<number> {
  let lastStep = -1;
  let progressed = 0;
  for (let k = 0; k < kills; k++) {
    let stderr = '';
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', (d) => (stderr += d));
    // Wait until the child has saved once, then kill it after a random delay (a few saves at most).
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`kill-child exited early with code ${code}: ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, rng.int(80)));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const ck = loadCheckpoint(dir);
    assert.ok(ck, `kill ${k} in ${dir}: a checkpoint exists`);
    const step = (ck.state as { step: number }).step;
    assert.ok(step > lastStep, `kill ${k}: step went from ${lastStep} to ${step}`);
    if (step > lastStep + 1) progressed++;
    lastStep = step;
    // Tensor contents must belong to the same save as the state.
    assert.equal(ck.tensors.step.arraySync(), step, `kill ${k}`);
    const big = ck.tensors.big.dataSync();
    assert.equal(big.length, 256 * 1024);
    assert.equal(big[0], step);
    assert.equal(big[big.length - 1], step);
  }
  return progressed;
}

test('processes SIGKILLed while saving in a loop (30 kills) never leave an unloadable checkpoint', async () => {
  await initBackend();
  const dir = tempDir();
  const rng = new Rng(12345);
  try {
    // Three independent directories in parallel, ten kills each, to keep the test fast.
    const lanes = [0, 1, 2].map((i) => killLoop(join(dir, `lane${i}`), 10, rng.fork(`lane${i}`)));
    const progressed = (await Promise.all(lanes)).reduce((a, b) => a + b, 0);
    // Kills landed after more than the first save in many runs, i.e. mid-loop, not only at start-up.
    assert.ok(progressed >= 5, `only ${progressed} of 30 kills landed after the first save`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
