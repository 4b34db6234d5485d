// Rewards, discounted returns and per-episode labels over a rollout laid out [step, env].
import { Outcome } from './env.js';

/** Which reward a method trains on. */
export type RewardKind = 'proxy' | 'naive' | 'true';

/**
 * Reward of one step given its outcome and whether the reached terminal was overseen:
 * proxy: +1 for either terminal (all an agent is told when oversight is scarce);
 * naive: the proxy minus 2 for reaching the ghost when overseen (so -1 there);
 * true: +1 diamond, -1 ghost.
 */
export function stepReward(kind: RewardKind, outcome: number, overseen: number): number {
  if (outcome === Outcome.diamond) return 1;
  if (outcome === Outcome.ghost) {
    if (kind === 'proxy') return 1;
    if (kind === 'naive') return overseen ? -1 : 1;
    return -1;
  }
  return 0;
}

/** Rewards [T, n] for the outcomes [T, n]. */
export function rolloutRewards(kind: RewardKind, outcome: Uint8Array, overseen: Uint8Array): Float32Array {
  const r = new Float32Array(outcome.length);
  for (let i = 0; i < outcome.length; i++) r[i] = stepReward(kind, outcome[i], overseen[i]);
  return r;
}

/**
 * Discounted returns G[t] = r[t] + gamma * G[t+1] * (1 - done[t]) within a rollout of `steps`
 * steps of `envs` environments ([step, env] layout). Episodes still running at the end of the
 * rollout are not bootstrapped (their return counts only the rewards seen).
 */
export function discountedReturns(rewards: Float32Array, outcome: Uint8Array, steps: number, envs: number, gamma: number): Float32Array {
  if (rewards.length !== steps * envs || outcome.length !== steps * envs) {
    throw new Error(`discountedReturns: expected ${steps} x ${envs} = ${steps * envs} values, got rewards ${rewards.length}, outcomes ${outcome.length}`);
  }
  const g = new Float32Array(rewards.length);
  for (let e = 0; e < envs; e++) {
    let next = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * envs + e;
      const done = outcome[i] !== Outcome.running;
      next = rewards[i] + (done ? 0 : gamma * next);
      g[i] = next;
    }
  }
  return g;
}

/** The end of the episode each step belongs to: its outcome and oversight, or `running` when it ends after the rollout. */
export interface EpisodeLabels {
  outcome: Uint8Array;
  overseen: Uint8Array;
}

/** Labels every step [T, n] with how its episode ended (propagated backward from the episode's last step). */
export function episodeLabels(outcome: Uint8Array, overseen: Uint8Array, steps: number, envs: number): EpisodeLabels {
  const out = { outcome: new Uint8Array(outcome.length), overseen: new Uint8Array(outcome.length) };
  for (let e = 0; e < envs; e++) {
    let o: number = Outcome.running;
    let s = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * envs + e;
      if (outcome[i] !== Outcome.running) {
        o = outcome[i];
        s = overseen[i];
      }
      out.outcome[i] = o;
      out.overseen[i] = s;
    }
  }
  return out;
}

/** Per-step gradient masks for the diamond expert, the ghost expert and the gate. */
export interface RoutingMasks {
  diamond: Float32Array;
  ghost: Float32Array;
  gate: Float32Array;
}

/**
 * Gradient routing by episode: steps of an overseen diamond episode update only the diamond
 * expert, steps of an overseen ghost episode only the ghost expert (the gate gets neither);
 * every other step (unoverseen, timed out, or unfinished) updates both experts and the gate.
 */
export function routingMasks(labels: EpisodeLabels): RoutingMasks {
  const n = labels.outcome.length;
  const m = { diamond: new Float32Array(n).fill(1), ghost: new Float32Array(n).fill(1), gate: new Float32Array(n).fill(1) };
  for (let i = 0; i < n; i++) {
    if (!labels.overseen[i]) continue;
    if (labels.outcome[i] === Outcome.diamond) {
      m.ghost[i] = 0;
      m.gate[i] = 0;
    } else if (labels.outcome[i] === Outcome.ghost) {
      m.diamond[i] = 0;
      m.gate[i] = 0;
    }
  }
  return m;
}

/**
 * Filtering: keep (weight 1) only steps whose episode's reward is known to be true, i.e. episodes
 * ending on an overseen terminal, and those that reach no terminal (their reward, 0, is right too).
 */
export function filterWeights(labels: EpisodeLabels): Float32Array {
  const n = labels.outcome.length;
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = labels.outcome[i];
    const terminal = o === Outcome.diamond || o === Outcome.ghost;
    w[i] = !terminal || labels.overseen[i] ? 1 : 0;
  }
  return w;
}
