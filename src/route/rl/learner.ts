// One learning update from a rollout: REINFORCE with a learned value baseline, or PPO (clipped
// ratio, several epochs of minibatches). Gradient routing enters through per-step masks on the
// experts' outputs and the gate; filtering through per-step weights; the gate is also trained to
// predict, on overseen terminal episodes, which terminal was reached (binary cross-entropy).
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { clipGradsByGlobalNorm, disposeGrads, lossAndGrads, type NamedGrads, type Optimizer, type BaseOptions } from '../../nn/index.js';
import { stopGradient } from '../primitives.js';
import { NUM_ACTIONS, Outcome } from './env.js';
import { maskTensors, type GridPolicy, type ValueNet } from './policy.js';
import { discountedReturns, episodeLabels, filterWeights, rolloutRewards, routingMasks, type RewardKind, type RoutingMasks } from './returns.js';
import type { Rollout } from './rollout.js';

export type Algo = 'reinforce' | 'ppo';
export const ALGOS: readonly Algo[] = ['reinforce', 'ppo'];

export interface LossCoefficients {
  entropy: number;
  value: number;
  gate: number;
}

export interface PpoOptions {
  epochs: number;
  minibatches: number;
  clip: number;
}

/** Everything a loss needs, per step of the rollout (flattened [T * n]). */
export interface LearningBatch {
  size: number;
  observationSize: number;
  obs: Float32Array;
  actions: Int32Array;
  oldLogProbs: Float32Array;
  returns: Float32Array;
  /** Per-step weight in the loss (1, or 0 for steps a filter drops). */
  weights: Float32Array;
  /** Routing masks, or null for no routing. */
  masks: RoutingMasks | null;
  /** Gate target (1 diamond, 0 ghost) and whether it applies (overseen terminal episodes). */
  gateTarget: Float32Array;
  gateWeight: Float32Array;
}

export interface BatchOptions {
  reward: RewardKind;
  gamma: number;
  route: boolean;
  filter: boolean;
}

export function prepareBatch(r: Rollout, o: BatchOptions): LearningBatch {
  const size = r.steps * r.envs;
  const rewards = rolloutRewards(o.reward, r.outcome, r.overseen);
  const returns = discountedReturns(rewards, r.outcome, r.steps, r.envs, o.gamma);
  const labels = episodeLabels(r.outcome, r.overseen, r.steps, r.envs);
  const gateTarget = new Float32Array(size);
  const gateWeight = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    if (!labels.overseen[i]) continue;
    if (labels.outcome[i] === Outcome.diamond) {
      gateTarget[i] = 1;
      gateWeight[i] = 1;
    } else if (labels.outcome[i] === Outcome.ghost) gateWeight[i] = 1;
  }
  return {
    size,
    observationSize: r.observationSize,
    obs: r.obs,
    actions: r.actions,
    oldLogProbs: r.logProbs,
    returns,
    weights: o.filter ? filterWeights(labels) : new Float32Array(size).fill(1),
    masks: o.route ? routingMasks(labels) : null,
    gateTarget,
    gateWeight,
  };
}

export interface LossParts {
  policy: number;
  value: number;
  entropy: number;
  gate: number;
}

interface SliceTensors {
  obs: Tensor;
  actionsOneHot: Tensor;
  returns: Tensor;
  weights: Tensor;
  oldLogProbs: Tensor;
  gateTarget: Tensor;
  gateWeight: Tensor;
  masks: { diamond: Tensor; ghost: Tensor; gate: Tensor } | null;
}

function sliceTensors(b: LearningBatch, idx: Int32Array | null): SliceTensors {
  const pick = <T extends Float32Array | Int32Array>(a: T, width = 1): T => {
    if (!idx) return a;
    const out = new (a.constructor as new (n: number) => T)(idx.length * width);
    for (let k = 0; k < idx.length; k++) for (let j = 0; j < width; j++) out[k * width + j] = a[idx[k] * width + j];
    return out;
  };
  const n = idx ? idx.length : b.size;
  const col = (a: Float32Array) => tf.tensor2d(pick(a), [n, 1]);
  const masks = b.masks
    ? (() => {
        const m = b.masks!;
        const sub = { diamond: pick(m.diamond), ghost: pick(m.ghost), gate: pick(m.gate) };
        return maskTensors(sub);
      })()
    : null;
  return {
    obs: tf.tensor2d(pick(b.obs, b.observationSize), [n, b.observationSize]),
    actionsOneHot: tf.tidy(() => tf.oneHot(tf.tensor1d(pick(b.actions), 'int32'), NUM_ACTIONS)),
    returns: tf.tensor1d(pick(b.returns)),
    weights: tf.tensor1d(pick(b.weights)),
    oldLogProbs: tf.tensor1d(pick(b.oldLogProbs)),
    gateTarget: col(b.gateTarget),
    gateWeight: col(b.gateWeight),
    masks,
  };
}

function disposeSlice(s: SliceTensors): void {
  tf.dispose([s.obs, s.actionsOneHot, s.returns, s.weights, s.oldLogProbs, s.gateTarget, s.gateWeight]);
  if (s.masks) tf.dispose([s.masks.diamond, s.masks.ghost, s.masks.gate]);
}

/**
 * The scalar loss of a (mini)batch. Sums over steps are divided by the (mini)batch size, so a
 * filter that drops steps also shrinks the update, as the reference does. `ppoClip` null: REINFORCE
 * with advantage = return - value (value not differentiated); otherwise PPO's clipped surrogate
 * with the given advantages.
 */
function batchLoss(policy: GridPolicy, value: ValueNet, s: SliceTensors, coefs: LossCoefficients, ppo: { clip: number; advantages: Tensor } | null, parts: LossParts): tf.Scalar {
  const n = s.obs.shape[0];
  const out = policy.forward(s.obs, s.masks ?? undefined);
  const logp = tf.logSoftmax(out.logits);
  const logpA = tf.sum(tf.mul(logp, s.actionsOneHot), -1);
  const v = value.forward(s.obs);
  let pgPerStep: Tensor;
  if (ppo) {
    const ratio = tf.exp(tf.sub(logpA, s.oldLogProbs));
    const clipped = tf.clipByValue(ratio, 1 - ppo.clip, 1 + ppo.clip);
    pgPerStep = tf.neg(tf.minimum(tf.mul(ratio, ppo.advantages), tf.mul(clipped, ppo.advantages)));
  } else {
    const adv = tf.sub(s.returns, stopGradient(v));
    pgPerStep = tf.neg(tf.mul(logpA, adv));
  }
  const policyLoss = tf.div(tf.sum(tf.mul(s.weights, pgPerStep)), n);
  const entropyPerStep = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
  const entropy = tf.div(tf.sum(tf.mul(s.weights, entropyPerStep)), n);
  const valueLoss = tf.div(tf.sum(tf.mul(s.weights, tf.square(tf.sub(v, s.returns)))), n);
  let loss = tf.add(tf.add(policyLoss, tf.mul(coefs.value, valueLoss)), tf.mul(-coefs.entropy, entropy));
  let gateLoss: Tensor = tf.scalar(0);
  if (out.gateLogit && coefs.gate > 0) {
    // Binary cross-entropy with logits, averaged over overseen terminal steps.
    const z = out.gateLogit;
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, s.gateTarget)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const count = tf.maximum(tf.sum(s.gateWeight), 1);
    gateLoss = tf.div(tf.sum(tf.mul(bce, s.gateWeight)), count);
    loss = tf.add(loss, tf.mul(coefs.gate, gateLoss));
  }
  parts.policy += policyLoss.dataSync()[0];
  parts.value += valueLoss.dataSync()[0];
  parts.entropy += entropy.dataSync()[0];
  parts.gate += gateLoss.dataSync()[0];
  return loss as tf.Scalar;
}

export interface UpdateOptions {
  algo: Algo;
  coefs: LossCoefficients;
  ppo: PpoOptions;
  maxGradNorm: number;
  rng: Rng;
}

/** Named parameters of policy and value, as the optimizer sees them. */
export function learnerParameters(policy: GridPolicy, value: ValueNet): [string, Variable][] {
  return [...policy.namedParameters('policy.'), ...value.namedParameters('value.')];
}

function applyGrads(optimizer: Optimizer<BaseOptions>, grads: NamedGrads, maxGradNorm: number): void {
  if (maxGradNorm > 0) {
    const clipped = clipGradsByGlobalNorm(grads, maxGradNorm);
    optimizer.step(clipped.grads);
    disposeGrads(clipped.grads);
  } else optimizer.step(grads);
}

/** REINFORCE loss and gradients of the whole batch (by parameter name, `policy.*` and `value.*`); the caller disposes them. */
export function reinforceLossAndGrads(policy: GridPolicy, value: ValueNet, b: LearningBatch, coefs: LossCoefficients): { loss: number; grads: NamedGrads; parts: LossParts } {
  const parts: LossParts = { policy: 0, value: 0, entropy: 0, gate: 0 };
  const s = sliceTensors(b, null);
  const { loss, grads } = lossAndGrads(learnerParameters(policy, value), () => batchLoss(policy, value, s, coefs, null, parts));
  const l = loss.dataSync()[0];
  loss.dispose();
  disposeSlice(s);
  return { loss: l, grads, parts };
}

/** One learning update (REINFORCE: one gradient step; PPO: epochs x minibatches steps). Returns mean loss parts. */
export function learnFromBatch(policy: GridPolicy, value: ValueNet, optimizer: Optimizer<BaseOptions>, b: LearningBatch, o: UpdateOptions): LossParts {
  const params = learnerParameters(policy, value);
  const parts: LossParts = { policy: 0, value: 0, entropy: 0, gate: 0 };
  if (o.algo === 'reinforce') {
    const { grads, parts: p } = reinforceLossAndGrads(policy, value, b, o.coefs);
    applyGrads(optimizer, grads, o.maxGradNorm);
    disposeGrads(grads);
    return p;
  }
  // PPO: advantages from the value before this update.
  const advantages = tf.tidy(() => {
    const all = tf.tensor2d(b.obs, [b.size, b.observationSize]);
    return tf.sub(tf.tensor1d(b.returns), value.forward(all));
  });
  const adv = advantages.dataSync() as Float32Array;
  advantages.dispose();
  const perMinibatch = Math.floor(b.size / o.ppo.minibatches);
  let steps = 0;
  for (let epoch = 0; epoch < o.ppo.epochs; epoch++) {
    const order = o.rng.permutation(b.size);
    for (let m = 0; m < o.ppo.minibatches; m++) {
      const idx = order.subarray(m * perMinibatch, (m + 1) * perMinibatch);
      const s = sliceTensors(b, idx);
      const a = tf.tensor1d(Float32Array.from(idx, (i) => adv[i]));
      const { loss, grads } = lossAndGrads(params, () => batchLoss(policy, value, s, o.coefs, { clip: o.ppo.clip, advantages: a }, parts));
      applyGrads(optimizer, grads, o.maxGradNorm);
      loss.dispose();
      disposeGrads(grads);
      disposeSlice(s);
      a.dispose();
      steps++;
    }
  }
  return { policy: parts.policy / steps, value: parts.value / steps, entropy: parts.entropy / steps, gate: parts.gate / steps };
}
