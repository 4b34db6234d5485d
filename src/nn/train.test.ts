// The training loop: exact resume after SIGKILL and after SIGINT (child processes running
// testing/train-fixture.ts), plus in-process checks of progress, resume and errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { saveCheckpoint } from '../engine/checkpoint.js';
import { Linear } from './linear.js';
import { SGD } from './optim/sgd.js';
import { constantLr } from './schedules.js';
import { train, type TrainOptions } from './train.js';

const FIXTURE = fileURLToPath(new URL('./testing/train-fixture.ts', import.meta.url));
const STEPS = 30;

interface RunOutput {
  params: Record<string, string>;
  lossHistory: number[];
}

interface Child {
  lines: string[];
  /** Resolves with the first line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

function startFixture(dir: string, out: string, delayMs: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, '--dir', dir, '--out', out, '--steps', String(STEPS), '--every', '10', '--seed', '7', '--delay-ms', String(delayMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: [RegExp, (line: string) => void][] = [];
  let stderr = '';
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w[0].test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w[1](line);
        }
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    lines,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => re.test(l));
        if (found) return resolve(found);
        waiters.push([re, resolve]);
        void exited.then((code) => reject(new Error(`fixture exited (${code}) before printing ${re}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)));
      }),
    exited,
    kill: (signal) => child.kill(signal),
  };
}

async function runToEnd(dir: string, out: string): Promise<{ output: RunOutput; lines: string[] }> {
  const c = startFixture(dir, out, 0);
  const code = await c.exited;
  assert.equal(code, 0, `fixture failed: ${c.lines.join('\n')}`);
  return { output: JSON.parse(readFileSync(out, 'utf8')) as RunOutput, lines: c.lines };
}

function resumedFrom(lines: string[]): number {
  const line = lines.find((l) => l.startsWith('resumed from '));
  assert.ok(line, `the second run must resume; it printed:\n${lines.join('\n')}`);
  return Number(line.split(' ')[2]);
}

let work: string;
let baseline: RunOutput;

before(async () => {
  await initBackend();
  work = mkdtempSync(join(tmpdir(), 'glassbox-train-'));
  baseline = (await runToEnd(join(work, 'baseline'), join(work, 'baseline.json'))).output;
  assert.equal(baseline.lossHistory.length, STEPS);
  assert.ok(baseline.lossHistory[STEPS - 1] < baseline.lossHistory[0] * 0.7, `training should reduce the loss: ${baseline.lossHistory}`);
});

test('a run killed with SIGKILL mid-run resumes to bit-identical final weights', async () => {
  const dir = join(work, 'killed');
  const out = join(work, 'killed.json');
  const c = startFixture(dir, out, 20);
  await c.waitFor(/^checkpoint 10$/);
  c.kill('SIGKILL');
  assert.equal(await c.exited, 'SIGKILL');
  assert.ok(!existsSync(out), 'the killed run must not have finished');
  const { output, lines } = await runToEnd(dir, out);
  const from = resumedFrom(lines);
  assert.ok(from >= 10 && from < STEPS, `resumed from ${from}`);
  assert.deepEqual(output.params, baseline.params, 'final weights differ from the uninterrupted run');
  assert.deepEqual(output.lossHistory, baseline.lossHistory);
});

test('SIGINT saves a checkpoint and exits 130; resuming finishes identically', async () => {
  const dir = join(work, 'interrupted');
  const out = join(work, 'interrupted.json');
  const c = startFixture(dir, out, 20);
  await c.waitFor(/^checkpoint 10$/);
  c.kill('SIGINT');
  const line = await c.waitFor(/^interrupted at \d+$/);
  assert.equal(await c.exited, 130);
  const stoppedAt = Number(line.split(' ')[2]);
  assert.ok(stoppedAt >= 10 && stoppedAt < STEPS, `stopped at ${stoppedAt}`);
  assert.ok(c.lines.includes(`checkpoint ${stoppedAt}`), `the interrupt must save step ${stoppedAt}: ${c.lines.join(', ')}`);
  const { output, lines } = await runToEnd(dir, out);
  assert.equal(resumedFrom(lines), stoppedAt);
  assert.deepEqual(output.params, baseline.params, 'final weights differ from the uninterrupted run');
  assert.deepEqual(output.lossHistory, baseline.lossHistory);
});

function regression(dir: string | undefined, totalSteps: number, seed = 3): TrainOptions<{ x: tf.Tensor; y: tf.Tensor }> & { model: Linear } {
  const rng = new Rng(seed);
  const model = new Linear(3, 1, { rng: rng.fork('init') });
  const trueW = tf.tensor([[1], [-2], [0.5]]);
  return {
    model,
    optimizer: new SGD(model.namedParameters(), { lr: 0, momentum: 0.9 }),
    totalSteps,
    schedule: constantLr(0.05),
    rng: rng.fork('sampler'),
    sampleBatch: (r) => {
      const x = tf.tensor(r.normalArray(8 * 3), [8, 3]);
      return { x, y: tf.matMul(x, trueW) };
    },
    loss: (b) => tf.mean(tf.square(tf.sub(model.forward(b.x), b.y))) as tf.Scalar,
    checkpoint: dir ? { dir, every: 4 } : undefined,
  };
}

test('progress is reported every step; steps leak no tensors', async () => {
  const opts = regression(undefined, 12);
  const seen: number[] = [];
  const counts: number[] = [];
  const r = await train({ ...opts, onProgress: (step, total, m) => {
    assert.equal(total, 12);
    assert.equal(m.lr, 0.05);
    seen.push(step);
    counts.push(tf.memory().numTensors);
  } });
  assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(new Set(counts.slice(2)).size, 1, `tensor count must stay flat: ${counts}`);
  assert.equal(r.lossHistory.length, 12);
  assert.equal(r.interrupted, false);
});

test('in-process resume: a longer run continues a shorter one exactly; a finished run does nothing', async () => {
  const dir = join(work, 'inproc');
  const straight = regression(undefined, 10);
  const full = await train(straight);
  await train(regression(dir, 6));
  const resumed = regression(dir, 10);
  const r = await train(resumed);
  assert.equal(r.resumedFromStep, 6);
  assert.deepEqual(r.lossHistory, full.lossHistory);
  assert.deepEqual(resumed.model.weight.dataSync(), straight.model.weight.dataSync());
  const again = await train(regression(dir, 10, 99));
  assert.equal(again.resumedFromStep, 10);
  assert.equal(again.lossHistory.length, 10);
});

test('SIGTERM (in process) stops after the current step with a checkpoint; resume completes', async () => {
  const dir = join(work, 'sigterm');
  const straight = await train(regression(undefined, 9));
  const r = await train({ ...regression(dir, 9), onProgress: (step) => {
    if (step === 3) process.emit('SIGTERM');
  } });
  assert.equal(r.interrupted, true);
  assert.equal(r.stepsCompleted, 3);
  assert.equal(process.listenerCount('SIGTERM'), 0, 'train must remove its signal handlers');
  const resumed = await train(regression(dir, 9));
  assert.equal(resumed.resumedFromStep, 3);
  assert.deepEqual(resumed.lossHistory, straight.lossHistory);
});

test('bad checkpoints and settings are clear errors', async () => {
  const dir = join(work, 'foreign');
  saveCheckpoint(dir, { tensors: {}, state: { something: 'else' } });
  await assert.rejects(train(regression(dir, 5)), /not a training checkpoint/);
  const ahead = join(work, 'ahead');
  await train(regression(ahead, 8));
  await assert.rejects(train(regression(ahead, 4)), /at step 8, beyond totalSteps 4/);
  await assert.rejects(train({ ...regression(undefined, 3), schedule: constantLr(1e30) }), /loss is (NaN|Infinity) at step \d/);
  await assert.rejects(train({ ...regression(join(work, 'x'), 3), checkpoint: { dir: join(work, 'x'), every: 0 } }), /checkpoint.every must be a positive integer/);
});

after(() => rmSync(work, { recursive: true, force: true }));
