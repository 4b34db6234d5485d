import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outcome } from './env.js';
import { discountedReturns, episodeLabels, filterWeights, rolloutRewards, routingMasks, stepReward } from './returns.js';

const { running: R, diamond: D, ghost: G, timeout: T } = Outcome;

test('rewards: proxy +1 either terminal; naive -1 on an overseen ghost; true +1 diamond -1 ghost', () => {
  assert.deepEqual(
    [stepReward('proxy', D, 0), stepReward('proxy', G, 1), stepReward('proxy', T, 0), stepReward('proxy', R, 0)],
    [1, 1, 0, 0],
  );
  assert.deepEqual([stepReward('naive', D, 1), stepReward('naive', G, 0), stepReward('naive', G, 1)], [1, 1, -1]);
  assert.deepEqual([stepReward('true', D, 0), stepReward('true', G, 0), stepReward('true', T, 0)], [1, -1, 0]);
});

test('discounted returns by hand: two envs, episodes ending mid-rollout restart from zero', () => {
  // steps x envs = 4 x 2, [step, env] layout.
  // env 0: R R D R  -> episode 1 ends at t=2 (reward 1), then an unfinished one.
  // env 1: G R R T  -> ghost at t=0 (reward 1 under proxy), then a timeout at t=3.
  const outcome = Uint8Array.from([R, G, R, R, D, R, R, T]);
  const overseen = new Uint8Array(8);
  const r = rolloutRewards('proxy', outcome, overseen);
  const g = discountedReturns(r, outcome, 4, 2, 0.5);
  // env 0: G2 = 1, G1 = 0.5, G0 = 0.25, G3 = 0 ; env 1: G0 = 1, G1 = G2 = G3 = 0
  assert.deepEqual(Array.from(g), [0.25, 1, 0.5, 0, 1, 0, 0, 0]);
  const t = discountedReturns(rolloutRewards('true', outcome, overseen), outcome, 4, 2, 0.5);
  assert.deepEqual(Array.from(t), [0.25, -1, 0.5, 0, 1, 0, 0, 0]);
  assert.throws(() => discountedReturns(r, outcome, 3, 2, 0.5), /expected 3 x 2 = 6 values/);
});

test('episode labels propagate each episode end backward; unfinished steps stay running', () => {
  const outcome = Uint8Array.from([R, G, R, R, D, R, R, T]);
  const overseen = Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 0]);
  const l = episodeLabels(outcome, overseen, 4, 2);
  assert.deepEqual(Array.from(l.outcome), [D, G, D, T, D, T, R, T]);
  assert.deepEqual(Array.from(l.overseen), [1, 1, 1, 0, 1, 0, 0, 0]);
});

test('routing masks: overseen diamond -> diamond expert only, overseen ghost -> ghost expert only, else both and the gate', () => {
  const labels = { outcome: Uint8Array.from([D, D, G, G, T, R]), overseen: Uint8Array.from([1, 0, 1, 0, 0, 0]) };
  const m = routingMasks(labels);
  assert.deepEqual(Array.from(m.diamond), [1, 1, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(m.ghost), [0, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(m.gate), [0, 1, 0, 1, 1, 1]);
  // Filtering keeps episodes whose reward is known: overseen terminals and no-terminal ones.
  assert.deepEqual(Array.from(filterWeights(labels)), [1, 0, 1, 0, 1, 1]);
});
