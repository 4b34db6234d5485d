// `glassbox route rl` end to end on a tiny configuration: the results contract, checkpoint resume
// and incompatibility, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tmp = () => mkdtempSync(join(tmpdir(), 'glassbox-route-rl-'));
const tiny = ['--methods', 'routing,naive', '--seeds', '1', '--updates', '3', '--envs', '16', '--rollout-steps', '4', '--hidden', '8'];

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['bin/glassbox.js', 'route', 'rl', ...args], { encoding: 'utf8' });
}

test('route rl writes results.json with the contract summary and a report; a rerun resumes from its checkpoints', () => {
  const out = join(tmp(), 'run');
  const r = glassbox(['--oversight', '0.01', ...tiny, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /routing: diamond \d\.\d{3}, ghost \d\.\d{3}/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const s = results.summary;
  assert.equal(s.oversight, 0.01);
  for (const m of ['routing', 'naive']) {
    for (const k of ['diamondRate', 'ghostRate']) assert.ok(s[m][k] >= 0 && s[m][k] <= 1, `${m}.${k} = ${s[m][k]}`);
    assert.ok(s[m].diamondRate + s[m].ghostRate <= 1 + 1e-9);
  }
  assert.ok(s.naiveEarlyStopped, 'naive early-stopped snapshot evaluated');
  assert.equal(results.runs.length, 2);
  assert.equal(results.runs[0].curve.at(-1).update, 3);
  assert.ok(existsSync(join(out, 'report.html')));
  assert.ok(existsSync(join(out, 'checkpoints', 'routing-p0.01-seed0-reinforce', 'checkpoint.json')));
  // Same run again: every run resumes at its end and gives the same evaluation.
  const again = glassbox(['--oversight', '0.01', ...tiny, '--out', out]);
  assert.equal(again.status, 0, again.stderr);
  const results2 = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results2.runs[0].resumedFromUpdate, 3);
  assert.deepEqual(results2.summary.routing, s.routing);
  // A checkpoint from another configuration is refused with a clear error.
  const bad = glassbox(['--oversight', '0.01', ...tiny.slice(0, -2), '--hidden', '12', '--out', out]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /incompatible checkpoint .*hidden is 8 there, 12 here/);
});

test('route rl --merge combines sweeps split by seed into one results.json and report', () => {
  const dir = tmp();
  const parts = [0, 1].map((seed) => {
    const out = join(dir, `seed${seed}`);
    const r = glassbox(['--oversight', '0.01', ...tiny, '--seed', String(seed), '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    return out;
  });
  const merged = join(dir, 'merged');
  const r = glassbox(['--merge', parts.join(','), '--out', merged]);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(readFileSync(join(merged, 'results.json'), 'utf8'));
  assert.equal(results.runs.length, 4);
  assert.deepEqual([...new Set(results.runs.map((x: { seed: number }) => x.seed))].sort(), [0, 1]);
  assert.equal(results.summary.seeds, 2);
  assert.equal(results.summary.runsDone, 4);
  assert.equal(results.summary.runsPlanned, 4);
  assert.equal(results.summary.routing.seeds, 2);
  const part = JSON.parse(readFileSync(join(parts[1], 'results.json'), 'utf8')).runs[0].deployed.diamondRate;
  const first = JSON.parse(readFileSync(join(parts[0], 'results.json'), 'utf8')).runs[0].deployed.diamondRate;
  assert.ok(Math.abs(results.summary.routing.diamondRate - (first + part) / 2) < 1e-12, 'routing diamond rate is the mean over both parts');
  assert.ok(existsSync(join(merged, 'report.html')));
  const missing = glassbox(['--merge', join(dir, 'nowhere'), '--out', join(dir, 'm2')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--merge: cannot read .*nowhere.*results\.json/);
});

test('route rl rejects bad input in one line', () => {
  const cases: [string[], RegExp][] = [
    [['--oversight', '1.5'], /oversight probability must be in \[0, 1\].*"1\.5"/],
    [['--oversight', '-0.01'], /oversight probability must be in \[0, 1\]/],
    [['--methods', 'routing,magic'], /unknown method "magic"; choose from routing, naive, filter, oracle, no-route/],
    [['--algo', 'sgd'], /expected one of reinforce, ppo, got "sgd"/],
    [['--seeds', '0'], /expected a positive integer, got "0"/],
    [['--gate-coef', '-1'], /expected a number >= 0, got "-1"/],
  ];
  for (const [args, re] of cases) {
    const r = glassbox([...args, '--out', join(tmp(), 'x')]);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
});
