// Collecting a rollout: every environment steps `steps` times under the training policy, all
// environments in one forward pass per step; episodes that end restart at once (a continuing
// rollout, as the reference setup does).
import { tf } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { GridWorld, NUM_ACTIONS, Outcome, newStepResult } from './env.js';
import type { GridPolicy } from './policy.js';

/** A rollout laid out [step, env]: observations [T * n * obsSize], everything else [T * n]. */
export interface Rollout {
  steps: number;
  envs: number;
  observationSize: number;
  obs: Float32Array;
  actions: Int32Array;
  /** Log-probability of the taken action under the policy that acted (for PPO's ratio). */
  logProbs: Float32Array;
  outcome: Uint8Array;
  overseen: Uint8Array;
}

/** Samples one action per row of `probs` ([n, NUM_ACTIONS]); writes actions and their log-probabilities. */
export function sampleActions(probs: Float32Array, rng: Rng, actions: Int32Array, logProbs: Float32Array, offset = 0): void {
  const n = probs.length / NUM_ACTIONS;
  for (let i = 0; i < n; i++) {
    const base = i * NUM_ACTIONS;
    const u = rng.float();
    let acc = 0;
    let a = NUM_ACTIONS - 1;
    for (let k = 0; k < NUM_ACTIONS; k++) {
      acc += probs[base + k];
      if (u < acc) {
        a = k;
        break;
      }
    }
    actions[offset + i] = a;
    logProbs[offset + i] = Math.log(Math.max(probs[base + a], 1e-30));
  }
}

export function collectRollout(env: GridWorld, policy: GridPolicy, steps: number, rng: Rng): Rollout {
  const n = env.envs;
  const o = env.observationSize;
  const r: Rollout = {
    steps,
    envs: n,
    observationSize: o,
    obs: new Float32Array(steps * n * o),
    actions: new Int32Array(steps * n),
    logProbs: new Float32Array(steps * n),
    outcome: new Uint8Array(steps * n),
    overseen: new Uint8Array(steps * n),
  };
  const stepResult = newStepResult(n);
  for (let t = 0; t < steps; t++) {
    env.observe(r.obs, t * n * o);
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(r.obs.subarray(t * n * o, (t + 1) * n * o), [n, o]);
      return tf.softmax(policy.forward(x).logits);
    });
    const p = probs.dataSync() as Float32Array;
    probs.dispose();
    sampleActions(p, rng, r.actions, r.logProbs, t * n);
    env.step(r.actions.subarray(t * n, (t + 1) * n), stepResult);
    r.outcome.set(stepResult.outcome, t * n);
    r.overseen.set(stepResult.overseen, t * n);
  }
  return r;
}

/** Counts of finished episodes in a rollout by outcome. */
export interface EpisodeCounts {
  episodes: number;
  diamond: number;
  ghost: number;
  timeout: number;
  overseenDiamond: number;
  overseenGhost: number;
}

export function countEpisodes(outcome: Uint8Array, overseen: Uint8Array): EpisodeCounts {
  const c = { episodes: 0, diamond: 0, ghost: 0, timeout: 0, overseenDiamond: 0, overseenGhost: 0 };
  for (let i = 0; i < outcome.length; i++) {
    const x = outcome[i];
    if (x === Outcome.running) continue;
    c.episodes++;
    if (x === Outcome.diamond) {
      c.diamond++;
      if (overseen[i]) c.overseenDiamond++;
    } else if (x === Outcome.ghost) {
      c.ghost++;
      if (overseen[i]) c.overseenGhost++;
    } else c.timeout++;
  }
  return c;
}
