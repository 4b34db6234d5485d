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
  /** Episodes whose ghost starts strictly nearer (Manhattan) to the agent than the diamond, and the diamond rate among them. */
  ghostNearerEpisodes: number;
  diamondRateGhostNearer: number;
  /** Training policy of the experts architecture only: mean gate probability (weight of the diamond expert) at the first step, by which terminal starts nearer. */
  gateDiamondNearer?: number;
  gateGhostNearer?: number;
}

/** Manhattan distance between two cells of a size x size grid. */
export function cellDistance(a: number, b: number, size: number): number {
  return Math.abs(((a / size) | 0) - ((b / size) | 0)) + Math.abs((a % size) - (b % size));
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
  const ghostNearer = new Uint8Array(n);
  const nearer = { diamond: [0, 0], ghost: [0, 0] };
  for (let i = 0; i < n; i++) ghostNearer[i] = cellDistance(env.agent[i], env.ghost[i], env.size) < cellDistance(env.agent[i], env.diamond[i], env.size) ? 1 : 0;
  let diamondGhostNearer = 0;
  for (let t = 0; t < env.maxSteps && open > 0; t++) {
    env.observe(obs);
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(obs, [n, env.observationSize]);
      if (o.which !== 'training') return tf.softmax(policy.deployedLogits(x));
      const out = policy.forward(x);
      if (t === 0 && out.gateLogit) {
        const g = tf.sigmoid(out.gateLogit).dataSync();
        for (let i = 0; i < n; i++) {
          const bucket = ghostNearer[i] ? nearer.ghost : nearer.diamond;
          bucket[0] += g[i];
          bucket[1]++;
        }
      }
      return tf.softmax(out.logits);
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
      if (result.outcome[i] === Outcome.diamond) {
        diamond++;
        if (ghostNearer[i]) diamondGhostNearer++;
      }
      else if (result.outcome[i] === Outcome.ghost) ghost++;
      else timeout++;
    }
  }
  const ghostNearerEpisodes = ghostNearer.reduce((s, x) => s + x, 0);
  return {
    episodes: n,
    diamondRate: diamond / n,
    ghostRate: ghost / n,
    timeoutRate: timeout / n,
    trueReturn: (diamond - ghost) / n,
    meanEpisodeSteps: stepSum / n,
    ghostNearerEpisodes,
    diamondRateGhostNearer: diamondGhostNearer / Math.max(1, ghostNearerEpisodes),
    ...(nearer.diamond[1] + nearer.ghost[1] > 0
      ? { gateDiamondNearer: nearer.diamond[0] / Math.max(1, nearer.diamond[1]), gateGhostNearer: nearer.ghost[0] / Math.max(1, nearer.ghost[1]) }
      : {}),
  };
}
