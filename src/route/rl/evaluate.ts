// Evaluation: fresh episodes, one per environment, run to their end (terminal or time limit),
// with actions sampled from the chosen policy; true return +1 diamond, -1 ghost.
import { tf } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { GridWorld, NUM_ACTIONS, Outcome, newStepResult } from './env.js';
import type { GridPolicy } from './policy.js';
import { sampleActions } from './rollout.js';

export interface Evaluation {
  episodes: number;
  diamondRate: number;
  ghostRate: number;
  timeoutRate: number;
  /** Mean true return per episode (diamondRate - ghostRate; undiscounted). */
  trueReturn: number;
  meanEpisodeSteps: number;
}

export interface EvaluateOptions {
  episodes: number;
  oversight: number;
  rng: Rng;
  /** 'deployed': the diamond expert alone (or the single policy); 'training': the policy that acted in training. */
  which?: 'deployed' | 'training';
  size?: number;
  maxSteps?: number;
}

export function evaluatePolicy(policy: GridPolicy, o: EvaluateOptions): Evaluation {
  const env = new GridWorld({ envs: o.episodes, oversight: o.oversight, rng: o.rng, size: o.size, maxSteps: o.maxSteps });
  const n = env.envs;
  const obs = new Float32Array(n * env.observationSize);
  const actions = new Int32Array(n);
  const logProbs = new Float32Array(n);
  const finished = new Uint8Array(n);
  const result = newStepResult(n);
  let diamond = 0;
  let ghost = 0;
  let timeout = 0;
  let stepSum = 0;
  let open = n;
  for (let t = 0; t < env.maxSteps && open > 0; t++) {
    env.observe(obs);
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(obs, [n, env.observationSize]);
      const logits = o.which === 'training' ? policy.forward(x).logits : policy.deployedLogits(x);
      return tf.softmax(logits);
    });
    const p = probs.dataSync() as Float32Array;
    probs.dispose();
    if (p.length !== n * NUM_ACTIONS) throw new Error('evaluatePolicy: policy returned the wrong number of logits');
    sampleActions(p, o.rng, actions, logProbs);
    env.step(actions, result, false);
    for (let i = 0; i < n; i++) {
      if (finished[i] || result.outcome[i] === Outcome.running) continue;
      finished[i] = 1;
      open--;
      stepSum += env.stepsTaken[i];
      if (result.outcome[i] === Outcome.diamond) diamond++;
      else if (result.outcome[i] === Outcome.ghost) ghost++;
      else timeout++;
    }
  }
  return {
    episodes: n,
    diamondRate: diamond / n,
    ghostRate: ghost / n,
    timeoutRate: timeout / n,
    trueReturn: (diamond - ghost) / n,
    meanEpisodeSteps: stepSum / n,
  };
}
