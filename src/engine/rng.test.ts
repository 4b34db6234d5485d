import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 10 }, () => a.nextUint32());
  const xb = Array.from({ length: 10 }, () => b.nextUint32());
  const xc = Array.from({ length: 10 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('uniform and normal moments are right', () => {
  const r = new Rng(1);
  const n = 200000;
  let su = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.float();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005, `uniform mean ${su / n}`);
  assert.ok(Math.abs(sn / n) < 0.01, `normal mean ${sn / n}`);
  assert.ok(Math.abs(sn2 / n - 1) < 0.02, `normal variance ${sn2 / n}`);
});

test('int covers its range uniformly', () => {
  const r = new Rng(7);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `counts ${counts}`);
  assert.throws(() => r.int(0), /positive integer/);
});

test('state save and restore continues the same stream', () => {
  const r = new Rng(5);
  r.normal(); // leaves a cached spare normal
  const state = r.getState();
  const expected = [r.normal(), r.float(), r.nextUint32()];
  const s = new Rng(999);
  s.setState(JSON.parse(JSON.stringify(state)));
  assert.deepEqual([s.normal(), s.float(), s.nextUint32()], expected);
  assert.throws(() => s.setState({ s: [1, 2, 3] as unknown as [number, number, number, number], spareNormal: null }), /four 32-bit/);
});

test('fork gives independent, reproducible streams without advancing the parent', () => {
  const r = new Rng(3);
  const before = r.getState();
  const f1 = r.fork('data').nextUint32();
  const f2 = r.fork('init').nextUint32();
  assert.deepEqual(r.getState(), before);
  assert.notEqual(f1, f2);
  assert.equal(new Rng(3).fork('data').nextUint32(), f1);
  const p = r.permutation(10);
  assert.deepEqual([...p].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
