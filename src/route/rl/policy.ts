// Policies for the oversight gridworld. The mixture-of-experts policy: a diamond expert and a ghost
// expert (each an MLP from the observation to hidden features), a gate (an MLP from the
// observation to one logit), and a shared linear action head. Action logits =
// head(g * diamond + (1 - g) * ghost) with g = sigmoid(gate), which equals mixing the two experts'
// logits through the shared head. At deployment only the diamond expert acts: head(diamond).
// The gate may see only the leading observation entries (`gateInputs`), e.g. all planes but the
// oversight one.
// There is no shared trunk before the experts (as in the reference setup): a trunk receives every
// episode's gradient, so behaviour learned there is not localized by routing; with one, we measured
// the deployed diamond expert behaving exactly like the mixture. The single policy (baselines) is
// one expert and the head, the same shape as the deployed diamond policy.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { Linear, MLP, Module } from '../../nn/index.js';
import { route } from '../primitives.js';
import { NUM_ACTIONS } from './env.js';
import type { RoutingMasks } from './returns.js';

export type PolicyKind = 'experts' | 'single';

export interface PolicyOptions {
  observationSize: number;
  hidden: number;
  rng: Rng;
  /**
   * Experts policy: how many leading observation entries the gate sees (default all). With
   * `observationSize - cells` the gate is blind to the oversight plane (the last one), so it can
   * only route by where things are, not by whether the episode is watched.
   */
  gateInputs?: number;
}

/** What a forward pass of the training policy returns (all [B, ...]). */
export interface PolicyOutput {
  logits: Tensor;
  /** Gate logit [B, 1] before routing (experts policy only). */
  gateLogit: Tensor | null;
}

export abstract class GridPolicy extends Module {
  abstract readonly kind: PolicyKind;
  /** Logits of the policy that acts during training; masks (per example) route gradients when given. */
  abstract forward(obs: Tensor, masks?: { diamond: Tensor; ghost: Tensor; gate: Tensor }): PolicyOutput;
  /** Logits of the deployed policy (the diamond expert alone, or the single policy). */
  abstract deployedLogits(obs: Tensor): Tensor;
}

export class ExpertsPolicy extends GridPolicy {
  readonly kind = 'experts' as const;
  readonly diamondExpert: MLP;
  readonly ghostExpert: MLP;
  readonly gate: MLP;
  readonly head: Linear;
  readonly gateInputs: number;

  constructor(o: PolicyOptions) {
    super();
    const rng = o.rng;
    this.gateInputs = o.gateInputs ?? o.observationSize;
    if (!Number.isInteger(this.gateInputs) || this.gateInputs < 1 || this.gateInputs > o.observationSize) {
      throw new Error(`ExpertsPolicy: gateInputs must be an integer in [1, ${o.observationSize}], got ${o.gateInputs}`);
    }
    const expert = () => new MLP([o.observationSize, o.hidden, o.hidden], { rng, finalActivation: 'relu' });
    this.diamondExpert = this.registerModule('diamondExpert', expert());
    this.ghostExpert = this.registerModule('ghostExpert', expert());
    this.gate = this.registerModule('gate', new MLP([this.gateInputs, o.hidden, 1], { rng }));
    this.head = this.registerModule('head', new Linear(o.hidden, NUM_ACTIONS, { rng }));
  }

  forward(obs: Tensor, masks?: { diamond: Tensor; ghost: Tensor; gate: Tensor }): PolicyOutput {
    return tf.tidy(() => {
      let d = this.diamondExpert.forward(obs);
      let g = this.ghostExpert.forward(obs);
      const gateIn = this.gateInputs === obs.shape[1] ? obs : tf.slice(obs, [0, 0], [-1, this.gateInputs]);
      const gateLogit = this.gate.forward(gateIn);
      let gateForMix = gateLogit;
      if (masks) {
        d = route(d, masks.diamond);
        g = route(g, masks.ghost);
        gateForMix = route(gateLogit, masks.gate);
      }
      const p = tf.sigmoid(gateForMix);
      const mixed = tf.add(tf.mul(p, d), tf.mul(tf.sub(1, p), g));
      return { logits: this.head.forward(mixed), gateLogit };
    });
  }

  deployedLogits(obs: Tensor): Tensor {
    return tf.tidy(() => this.head.forward(this.diamondExpert.forward(obs)));
  }

  /** Logits of the ghost expert alone (for inspection). */
  ghostLogits(obs: Tensor): Tensor {
    return tf.tidy(() => this.head.forward(this.ghostExpert.forward(obs)));
  }
}

export class SinglePolicy extends GridPolicy {
  readonly kind = 'single' as const;
  readonly expert: MLP;
  readonly head: Linear;

  constructor(o: PolicyOptions) {
    super();
    this.expert = this.registerModule('expert', new MLP([o.observationSize, o.hidden, o.hidden], { rng: o.rng, finalActivation: 'relu' }));
    this.head = this.registerModule('head', new Linear(o.hidden, NUM_ACTIONS, { rng: o.rng }));
  }

  forward(obs: Tensor): PolicyOutput {
    return { logits: this.deployedLogits(obs), gateLogit: null };
  }

  deployedLogits(obs: Tensor): Tensor {
    return tf.tidy(() => this.head.forward(this.expert.forward(obs)));
  }
}

/** The value baseline: observation -> hidden -> scalar. */
export class ValueNet extends Module {
  readonly hiddenLayer: Linear;
  readonly out: Linear;
  constructor(o: PolicyOptions) {
    super();
    this.hiddenLayer = this.registerModule('hiddenLayer', new Linear(o.observationSize, o.hidden, { rng: o.rng }));
    this.out = this.registerModule('out', new Linear(o.hidden, 1, { rng: o.rng }));
  }
  forward(obs: Tensor): Tensor {
    return tf.tidy(() => tf.reshape(this.out.forward(tf.relu(this.hiddenLayer.forward(obs))), [-1]));
  }
}

/** Masks as [B, 1] tensors (caller disposes). */
export function maskTensors(m: RoutingMasks, start = 0, end = m.diamond.length): { diamond: Tensor; ghost: Tensor; gate: Tensor } {
  const b = end - start;
  return {
    diamond: tf.tensor2d(m.diamond.subarray(start, end), [b, 1]),
    ghost: tf.tensor2d(m.ghost.subarray(start, end), [b, 1]),
    gate: tf.tensor2d(m.gate.subarray(start, end), [b, 1]),
  };
}
