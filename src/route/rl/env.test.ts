import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { GridWorld, Outcome } from './env.js';

function world(envs = 1, oversight = 0) {
  return new GridWorld({ envs, oversight, rng: new Rng(1) });
}

/** Places agent, diamond, ghost (cell = row * 5 + col) in env 0. */
function place(w: GridWorld, agent: number, diamond: number, ghost: number) {
  w.agent[0] = agent;
  w.diamond[0] = diamond;
  w.ghost[0] = ghost;
  w.stepsTaken[0] = 0;
}

test('moves: up/down/left/right change row/col by one; walls keep the agent in place', () => {
  const w = world();
  const cases: [number, number, number][] = [
    [12, 0, 7], [12, 1, 17], [12, 2, 11], [12, 3, 13], // centre (2,2)
    [2, 0, 2], [22, 1, 22], [10, 2, 10], [14, 3, 14], // walls
    [0, 0, 0], [0, 2, 0], [24, 1, 24], [24, 3, 24], // corners
  ];
  for (const [from, action, to] of cases) {
    place(w, from, from === 6 ? 18 : 6, 18);
    w.step([action], undefined, false);
    assert.equal(w.agent[0], to, `from ${from} action ${action}`);
  }
});

test('terminals: reaching the diamond or the ghost ends the episode with its oversight flag', () => {
  const w = world();
  place(w, 12, 13, 11);
  w.diamondOverseen[0] = 1;
  w.ghostOverseen[0] = 0;
  let r = w.step([3], undefined, false);
  assert.equal(r.outcome[0], Outcome.diamond);
  assert.equal(r.overseen[0], 1);
  place(w, 12, 13, 11);
  r = w.step([2], undefined, false);
  assert.equal(r.outcome[0], Outcome.ghost);
  assert.equal(r.overseen[0], 0);
  place(w, 12, 13, 11);
  r = w.step([0], undefined, false);
  assert.equal(r.outcome[0], Outcome.running);
});

test('time limit: the 32nd step without a terminal times out, and auto-reset starts a fresh episode', () => {
  const w = world();
  place(w, 0, 24, 23);
  for (let t = 1; t < 32; t++) assert.equal(w.step([0]).outcome[0], Outcome.running, `step ${t}`); // up at the top wall: stays
  const r = w.step([0]);
  assert.equal(r.outcome[0], Outcome.timeout);
  assert.equal(w.stepsTaken[0], 0);
  const cells = new Set([w.agent[0], w.diamond[0], w.ghost[0]]);
  assert.equal(cells.size, 3);
});

test('resets put agent, diamond and ghost on distinct cells, all cells reachable', () => {
  const w = world(4000, 0.5);
  const seen = new Set<number>();
  for (let i = 0; i < w.envs; i++) {
    assert.equal(new Set([w.agent[i], w.diamond[i], w.ghost[i]]).size, 3);
    for (const c of [w.agent[i], w.diamond[i], w.ghost[i]]) {
      assert.ok(c >= 0 && c < 25);
      seen.add(c);
    }
  }
  assert.equal(seen.size, 25);
});

test('oversight: each terminal cell is overseen with probability p, independently', () => {
  for (const p of [0, 0.01, 0.3, 1]) {
    const w = new GridWorld({ envs: 20000, oversight: p, rng: new Rng(7) });
    let d = 0;
    let g = 0;
    let both = 0;
    for (let i = 0; i < w.envs; i++) {
      d += w.diamondOverseen[i];
      g += w.ghostOverseen[i];
      both += w.diamondOverseen[i] & w.ghostOverseen[i];
    }
    const n = w.envs;
    const tol = 4 * Math.sqrt((p * (1 - p)) / n) + 1e-9;
    assert.ok(Math.abs(d / n - p) <= tol, `diamond rate ${d / n} vs ${p}`);
    assert.ok(Math.abs(g / n - p) <= tol, `ghost rate ${g / n} vs ${p}`);
    assert.ok(Math.abs(both / n - p * p) <= 4 * Math.sqrt((p * p * (1 - p * p)) / n) + 1e-9, `both ${both / n} vs ${p * p}`);
  }
});

test('observation: one-hot planes agent, diamond, ghost, and the overseen marker on overseen terminals', () => {
  const w = world();
  place(w, 0, 6, 24);
  w.diamondOverseen[0] = 0;
  w.ghostOverseen[0] = 1;
  const o = w.observe();
  assert.equal(o.length, 100);
  const ones = [...o.keys()].filter((i) => o[i] === 1);
  assert.deepEqual(ones, [0, 25 + 6, 50 + 24, 75 + 24]);
  assert.equal(o.reduce((s, x) => s + x, 0), 4);
});

test('bad input: oversight outside [0, 1], wrong action count or value', () => {
  for (const p of [-0.1, 1.5, NaN]) assert.throws(() => new GridWorld({ envs: 2, oversight: p, rng: new Rng(0) }), /oversight probability must be a number in \[0, 1\]/);
  const w = world(2);
  assert.throws(() => w.step([0]), /expected 2 actions, got 1/);
  assert.throws(() => w.step([0, 4]), /action 4 for environment 1 is not in 0..3/);
});

test('state round-trips (checkpoints)', () => {
  const a = world(8, 0.5);
  const b = new GridWorld({ envs: 8, oversight: 0.5, rng: new Rng(99) });
  b.setState(a.getState());
  assert.deepEqual(b.getState(), a.getState());
  assert.throws(() => world(3).setState(a.getState()), /state is for 8 environments/);
});
