// The benchmark harness in tiny mode, and the PyTorch/numpy peers computing the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/engine/backend.js';
import { tf } from '../../src/engine/tfjs.js';
import { BENCH_CASES, selectCases } from '../../bench/cases.js';
import { benchJson, checkAgainstPeer, runBench, PLANS } from '../../bench/harness.js';
import { formatBenchTable } from '../../bench/table.js';
import { profileWorkload } from '../../bench/profile.js';
import { median, timeRuns } from '../../bench/timing.js';

/** Equal to 1e-4 of the largest magnitude in the array (float32 arithmetic in different orders). */
function assertClose(ours: number[], theirs: number[], name: string): void {
  assert.equal(theirs.length, ours.length, `${name}: length`);
  const scale = Math.max(...ours.map(Math.abs));
  const worst = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])));
  assert.ok(worst <= 1e-4 * scale, `${name}: largest difference ${worst} exceeds 1e-4 x ${scale}`);
}

const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

test('timeRuns follows the repetition plan and reports the median', () => {
  let calls = 0;
  // every run exceeds a zero budget: one warm-up only, then minReps timed runs
  const slow = timeRuns(() => void calls++, { warmup: 2, minReps: 3, maxReps: 5, budgetMs: 0 });
  assert.equal(slow.reps, 3);
  assert.equal(calls, 4);
  calls = 0;
  const fast = timeRuns(() => void calls++, { warmup: 2, minReps: 1, maxReps: 4, budgetMs: 1e9 });
  assert.equal(fast.reps, 4);
  assert.equal(calls, 6);
  assert.ok(fast.medianMs >= fast.minMs && fast.minMs >= 0);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('selectCases picks named cases and rejects unknown ones', () => {
  assert.deepEqual(selectCases('conv_trunk,sgemm').map((c) => c.key), ['sgemm', 'conv_trunk']);
  assert.throws(() => selectCases('mlp_step,nope'), /unknown case nope.*known cases: sgemm/);
});

test('a tiny run produces the --json structure with numbers', async () => {
  const info = await initBackend();
  const result = await runBench({ mode: 'quick', scale: 'tiny', plan: PLANS.tiny });
  const json = benchJson(result) as Record<string, Record<string, unknown>>;
  const line = JSON.stringify(json);
  assert.deepEqual(JSON.parse(line), json); // one line of plain JSON
  assert.deepEqual(Object.keys(json), ['machine', ...BENCH_CASES.map((c) => c.key)]);
  for (const key of ['sgemm', 'mlp_step', 'block_step', 'conv_trunk']) assert.ok(key in json, key);
  assert.equal(json.machine.backend, info.name);
  assert.ok(isNum(json.machine.threads) && isNum(json.machine.cores));
  assert.ok(isNum(json.sgemm.cpu_gflops));
  assert.ok(info.name === 'native' ? isNum(json.sgemm.native_gflops) : json.sgemm.native_gflops === null);
  // a peer figure is a number, or null only because the peer is not installed
  for (const r of result.cases) assert.ok(r.peer && (r.peer.measurement !== null || r.peer.missing), `${r.key}: ${r.peer?.reason}`);
  const numpy = result.cases[0].peer!;
  assert.ok(numpy.missing ? json.sgemm.numpy_gflops === null : isNum(json.sgemm.numpy_gflops));
  for (const [i, key] of ['mlp_step', 'block_step', 'conv_trunk'].entries()) {
    assert.ok(isNum(json[key].glassbox_ms), `${key}.glassbox_ms`);
    const torch = result.cases[i + 1].peer!;
    assert.ok(torch.missing ? json[key].torch_ms === null : isNum(json[key].torch_ms), `${key}.torch_ms`);
    assert.ok(isNum((json[key].reps as Record<string, number>)[info.name]));
  }
  const table = formatBenchTable(result);
  for (const c of BENCH_CASES) assert.ok(table.includes(c.title), `table row for ${c.key}`);
});

test('profileWorkload sums kernel times by kernel name', async () => {
  await initBackend();
  const mlp = BENCH_CASES.find((c) => c.key === 'mlp_step')!;
  const w = mlp.build(mlp.shapes.tiny);
  try {
    const p = await profileWorkload(w);
    // 3 layers: at least one matmul each forward and one for each weight gradient
    const matmulCalls = p.kernels.filter((k) => /MatMul/.test(k.kernel)).reduce((s, k) => s + k.calls, 0);
    assert.ok(matmulCalls >= 6, `matmul kernels: ${matmulCalls}`);
    assert.equal(new Set(p.kernels.map((k) => k.kernel)).size, p.kernels.length);
    assert.ok(p.kernelMs <= p.runMs && p.kernels.every((k) => k.totalMs >= 0));
    assert.deepEqual(p.kernels.map((k) => k.totalMs), [...p.kernels.map((k) => k.totalMs)].sort((a, b) => b - a));
  } finally {
    w.dispose();
  }
});

test('workloads free what they allocate', async () => {
  await initBackend();
  for (const c of BENCH_CASES) {
    const before = tf.memory().numTensors;
    const w = c.build(c.shapes.tiny);
    w.run();
    const afterOne = tf.memory().numTensors;
    w.run();
    w.run();
    assert.equal(tf.memory().numTensors, afterOne, `${c.key}: tensors leak per run`);
    w.dispose();
    assert.equal(tf.memory().numTensors, before, `${c.key}: tensors left after dispose`);
  }
});

for (const c of BENCH_CASES.filter((c) => c.peer?.name === 'torch')) {
  test(`${c.key}: PyTorch computes the same values from the same weights and inputs`, async (t) => {
    await initBackend();
    const check = checkAgainstPeer(c, 'tiny');
    if (check.missing) return t.skip(`PyTorch peer not installed: ${check.reason}`);
    assert.equal(check.reason, null);
    assert.deepEqual(check.peerShapes, check.glassboxShapes);
    const peer = check.peer!;
    assert.deepEqual(Object.keys(peer), Object.keys(check.glassbox));
    for (const [name, ours] of Object.entries(check.glassbox)) assertClose(ours, peer[name], name);
    if (check.glassbox.loss) assert.ok(Math.abs(check.glassbox.loss[0] - check.glassbox.loss[2]) > 1e-2); // the AdamW steps moved
  });
}

test('sgemm: numpy computes the same product', async (t) => {
  await initBackend();
  const check = checkAgainstPeer(BENCH_CASES[0], 'tiny');
  if (check.missing) return t.skip(`numpy peer not installed: ${check.reason}`);
  assert.equal(check.reason, null);
  assertClose(check.glassbox.output, check.peer!.output, 'output');
});
