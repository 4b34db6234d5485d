import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../engine/tfjs.js';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { Adam, disposeGrads } from '../../nn/index.js';
import { GridWorld, Outcome, NUM_ACTIONS } from './env.js';
import { ExpertsPolicy, SinglePolicy, ValueNet } from './policy.js';
import { collectRollout } from './rollout.js';
import { learnFromBatch, learnerParameters, prepareBatch, reinforceLossAndGrads, type LearningBatch } from './learner.js';
import { routingMasks } from './returns.js';

before(async () => {
  await initBackend();
});

const OBS = 100;
const coefs = { entropy: 0.01, value: 0.5, gate: 0.1 };

/** A batch of `n` random observations whose episodes all ended as `outcome` with oversight `overseen`. */
function labelledBatch(n: number, outcome: number, overseen: number, route: boolean, rng: Rng): LearningBatch {
  const env = new GridWorld({ envs: n, oversight: 0.5, rng });
  const obs = env.observe();
  const actions = Int32Array.from({ length: n }, () => rng.int(NUM_ACTIONS));
  const labels = { outcome: new Uint8Array(n).fill(outcome), overseen: new Uint8Array(n).fill(overseen) };
  return {
    size: n,
    observationSize: OBS,
    obs,
    actions,
    oldLogProbs: new Float32Array(n).fill(Math.log(0.25)),
    returns: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
    weights: new Float32Array(n).fill(1),
    masks: route ? routingMasks(labels) : null,
    gateTarget: new Float32Array(n).fill(outcome === Outcome.diamond ? 1 : 0),
    gateWeight: new Float32Array(n).fill(overseen && outcome !== Outcome.timeout ? 1 : 0),
  };
}

function maxAbs(t: tf.Tensor | undefined): number {
  if (!t) return 0;
  return Math.max(...Array.from(t.dataSync() as Float32Array, Math.abs));
}

test('routing: an overseen-diamond batch gives the ghost expert exactly zero gradient (and vice versa)', () => {
  const rng = new Rng(3);
  const policy = new ExpertsPolicy({ observationSize: OBS, hidden: 16, rng });
  const value = new ValueNet({ observationSize: OBS, hidden: 16, rng });
  for (const [outcome, silent, active] of [[Outcome.diamond, 'ghostExpert', 'diamondExpert'], [Outcome.ghost, 'diamondExpert', 'ghostExpert']] as const) {
    const b = labelledBatch(64, outcome, 1, true, rng);
    const { grads } = reinforceLossAndGrads(policy, value, b, coefs);
    for (const p of ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']) {
      assert.equal(maxAbs(grads[`policy.${silent}.${p}`]), 0, `${silent}.${p} must get no gradient`);
      assert.ok(maxAbs(grads[`policy.${active}.${p}`]) > 1e-6, `${active}.${p} must get gradient`);
    }
    // The gate gets gradient only from its own loss (policy-gradient routes skip it).
    assert.ok(maxAbs(grads['policy.gate.layers.1.weight']) > 0);
    disposeGrads(grads);
    const noGate = reinforceLossAndGrads(policy, value, b, { ...coefs, gate: 0 });
    assert.equal(maxAbs(noGate.grads['policy.gate.layers.0.weight']), 0);
    assert.equal(maxAbs(noGate.grads['policy.gate.layers.1.weight']), 0);
    disposeGrads(noGate.grads);
  }
  // Unoverseen episodes, and the no-route control, update both experts.
  for (const [overseen, route] of [[0, true], [1, false]] as const) {
    const b = labelledBatch(64, Outcome.diamond, overseen, route, rng);
    const { grads } = reinforceLossAndGrads(policy, value, b, coefs);
    assert.ok(maxAbs(grads['policy.ghostExpert.layers.0.weight']) > 1e-6);
    assert.ok(maxAbs(grads['policy.diamondExpert.layers.0.weight']) > 1e-6);
    disposeGrads(grads);
  }
  policy.dispose();
  value.dispose();
});

test('unoverseen episodes reach each expert weighted by its gate share (features mixed before the shared head, as in the reference)', () => {
  const rng = new Rng(9);
  const policy = new ExpertsPolicy({ observationSize: OBS, hidden: 16, rng });
  const value = new ValueNet({ observationSize: OBS, hidden: 16, rng });
  // Identical experts and a constant gate g = 0.25: the ghost expert's gradient must be (1 - g) / g = 3 times the diamond expert's.
  const state = policy.stateDict();
  const g = 0.25;
  const patched: Record<string, tf.Tensor> = { ...state };
  for (const [k, t] of Object.entries(state)) if (k.startsWith('ghostExpert.')) patched[k] = state[k.replace('ghostExpert.', 'diamondExpert.')];
  patched['gate.layers.1.weight'] = tf.zerosLike(state['gate.layers.1.weight']);
  patched['gate.layers.1.bias'] = tf.fill(state['gate.layers.1.bias'].shape, Math.log(g / (1 - g)));
  policy.loadStateDict(patched);
  const b = labelledBatch(64, Outcome.diamond, 0, true, rng);
  const { grads } = reinforceLossAndGrads(policy, value, b, { ...coefs, gate: 0 });
  for (const p of ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']) {
    const d = grads[`policy.diamondExpert.${p}`].dataSync();
    const h = grads[`policy.ghostExpert.${p}`].dataSync();
    let worst = 0;
    for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(h[i] - 3 * d[i]));
    assert.ok(worst < 1e-6 + 1e-4 * maxAbs(grads[`policy.ghostExpert.${p}`]), `${p}: ghost gradient is not 3x the diamond gradient (worst diff ${worst})`);
    assert.ok(maxAbs(grads[`policy.diamondExpert.${p}`]) > 1e-7, `${p}: diamond expert must get gradient`);
  }
  disposeGrads(grads);
  policy.dispose();
  value.dispose();
});

test('a gate blind to the oversight plane gives the same gate for the same positions whatever is overseen; the experts still see it', () => {
  const rng = new Rng(4);
  const cells = 25;
  const blind = new ExpertsPolicy({ observationSize: OBS, hidden: 8, rng, gateInputs: OBS - cells });
  const seeing = new ExpertsPolicy({ observationSize: OBS, hidden: 8, rng });
  const env = new GridWorld({ envs: 32, oversight: 0, rng });
  const unwatched = env.observe();
  const watched = unwatched.slice();
  for (let i = 0; i < 32; i++) watched[i * OBS + 3 * cells + env.diamond[i]] = 1;
  const run = (p: ExpertsPolicy, obs: Float32Array) => {
    const out = p.forward(tf.tensor2d(obs, [32, OBS]));
    return { gate: Array.from(out.gateLogit!.dataSync()), logits: Array.from(out.logits.dataSync()) };
  };
  const [b0, b1, s0, s1] = [run(blind, unwatched), run(blind, watched), run(seeing, unwatched), run(seeing, watched)];
  assert.deepEqual(b1.gate, b0.gate);
  assert.notDeepEqual(b1.logits, b0.logits, 'the experts see the oversight plane');
  assert.notDeepEqual(s1.gate, s0.gate, 'the reference gate sees the oversight plane');
  assert.throws(() => new ExpertsPolicy({ observationSize: OBS, hidden: 8, rng, gateInputs: OBS + 1 }), /gateInputs must be an integer in \[1, 100\], got 101/);
  blind.dispose();
  seeing.dispose();
});

test('REINFORCE gradient: head bias gradient equals -(1/B) sum adv * (onehot - p), advantage = return - value', () => {
  const rng = new Rng(5);
  const policy = new SinglePolicy({ observationSize: OBS, hidden: 8, rng });
  const value = new ValueNet({ observationSize: OBS, hidden: 8, rng });
  const n = 32;
  const b = labelledBatch(n, Outcome.diamond, 0, false, rng);
  const zero = { entropy: 0, value: 0, gate: 0 };
  const { grads } = reinforceLossAndGrads(policy, value, b, zero);
  const x = tf.tensor2d(b.obs, [n, OBS]);
  const p = tf.softmax(policy.forward(x).logits).dataSync();
  const v = value.forward(x).dataSync();
  const expected = new Float64Array(NUM_ACTIONS);
  for (let i = 0; i < n; i++) {
    const adv = b.returns[i] - v[i];
    for (let k = 0; k < NUM_ACTIONS; k++) expected[k] -= (adv * ((b.actions[i] === k ? 1 : 0) - p[i * NUM_ACTIONS + k])) / n;
  }
  const got = grads['policy.head.bias'].dataSync();
  for (let k = 0; k < NUM_ACTIONS; k++) assert.ok(Math.abs(got[k] - expected[k]) < 1e-5, `action ${k}: ${got[k]} vs ${expected[k]}`);
  // Sign on a toy case: one observation, action 2 with return +1 above the baseline -> a descent step raises p(2).
  const one: LearningBatch = { ...b, size: 1, obs: b.obs.subarray(0, OBS), actions: Int32Array.of(2), returns: Float32Array.of(v[0] + 1), weights: Float32Array.of(1), oldLogProbs: Float32Array.of(0), gateTarget: Float32Array.of(0), gateWeight: Float32Array.of(0) };
  const g1 = reinforceLossAndGrads(policy, value, one, zero);
  const gb = g1.grads['policy.head.bias'].dataSync();
  assert.ok(gb[2] < 0, 'loss decreases as the taken action\'s logit rises');
  for (const k of [0, 1, 3]) assert.ok(gb[k] > 0);
  disposeGrads(grads);
  disposeGrads(g1.grads);
  tf.dispose(x);
  policy.dispose();
  value.dispose();
});

function meanReturn(policy: ExpertsPolicy | SinglePolicy, env: GridWorld, rng: Rng): number {
  let s = 0;
  for (let k = 0; k < 3; k++) {
    const b = prepareBatch(collectRollout(env, policy, 8, rng), { reward: 'proxy', gamma: 0.9, route: false, filter: false });
    s += b.returns.reduce((a, x) => a + x, 0) / b.size;
  }
  return s / 3;
}

for (const algo of ['reinforce', 'ppo'] as const) {
  test(`a short ${algo} run improves the proxy return (routing architecture, masks on)`, () => {
    const rng = new Rng(11);
    const env = new GridWorld({ envs: 128, oversight: 0.2, rng: rng.fork('env') });
    const policy = new ExpertsPolicy({ observationSize: OBS, hidden: 32, rng });
    const value = new ValueNet({ observationSize: OBS, hidden: 32, rng });
    const opt = new Adam(learnerParameters(policy, value), { lr: 1e-2 });
    const before = meanReturn(policy, env, rng);
    for (let u = 0; u < (algo === 'ppo' ? 15 : 40); u++) {
      const batch = prepareBatch(collectRollout(env, policy, 8, rng), { reward: 'proxy', gamma: 0.9, route: true, filter: false });
      learnFromBatch(policy, value, opt, batch, { algo, coefs, ppo: { epochs: 2, minibatches: 2, clip: 0.2 }, maxGradNorm: 1, rng });
    }
    const after = meanReturn(policy, env, rng);
    assert.ok(after > before * 1.25, `proxy return per step ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    policy.dispose();
    value.dispose();
    opt.dispose();
  });
}
