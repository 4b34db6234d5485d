import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tmp = () => mkdtempSync(join(tmpdir(), 'glassbox-tour-'));

test('glassbox tour --smoke writes results.json and a self-contained report.html', () => {
  const out = join(tmp(), 'run');
  const r = spawnSync(process.execPath, ['bin/glassbox.js', 'tour', '--smoke', '--seed', '3', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, GLASSBOX_BACKEND: 'cpu' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /report\.html/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const s = results.summary.digitClassifier;
  assert.equal(s.steps, 6);
  assert.ok(s.validationAccuracy > 0.2 && s.validationAccuracy <= 1, `accuracy ${s.validationAccuracy} beats chance after 6 steps`);
  assert.ok(Number.isFinite(s.finalTrainingLoss) && s.finalTrainingLoss < Math.log(10) + 0.5);
  assert.ok(s.trainSeconds > 0 && results.summary.seconds >= s.trainSeconds);
  assert.equal(results.run.seed, 3);
  assert.deepEqual(results.run.command.slice(1), ['tour', '--smoke', '--seed', '3', '--out', out]);
  assert.equal(results.backend.name, 'cpu');
  assert.equal(results.details.digitClassifier.lossHistory.length, 6);
  assert.ok(results.details.digitClassifier.trainCount + results.details.digitClassifier.validationCount > 9000);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok((html.match(/<svg/g) ?? []).length >= 4, 'loss, accuracy, per-digit and confusion plots');
  assert.ok(html.includes('data:image/png;base64,'));
  assert.ok(!/<script/i.test(html));
  assert.match(html, /Digit classifier/);
});

test('glassbox tour rejects a bad seed and an output path that is a file, in one line', () => {
  const file = join(tmp(), 'file');
  writeFileSync(file, 'x');
  const bad = spawnSync(process.execPath, ['bin/glassbox.js', 'tour', '--seed', 'abc'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--seed.*expected a non-negative integer, got "abc"/);
  const r = spawnSync(process.execPath, ['bin/glassbox.js', 'tour', '--smoke', '--out', file], { encoding: 'utf8', env: { ...process.env, GLASSBOX_BACKEND: 'cpu' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^glassbox: error: output path .* exists and is not a directory\n$/m);
});
