// Multi-layer perceptron: Linear layers of the given widths with an activation between them.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { Module, ModuleList } from './module.js';
import { Linear, type WeightInit } from './linear.js';
import { activationByName, type ActivationFn, type ActivationName } from './activations.js';

export interface MLPOptions {
  rng: Rng;
  /** Between hidden layers (default relu). */
  activation?: ActivationName;
  /** After the last layer (default none). */
  finalActivation?: ActivationName;
  bias?: boolean;
  init?: WeightInit;
}

export class MLP extends Module {
  /** Parameters are named `layers.<i>.weight` / `layers.<i>.bias`. */
  readonly layers: ModuleList<Linear>;
  private readonly act: ActivationFn;
  private readonly finalAct: ActivationFn | null;

  /** `widths` = [input, hidden..., output]. */
  constructor(readonly widths: number[], options: MLPOptions) {
    super();
    if (widths.length < 2) throw new Error(`MLP: widths needs at least [input, output], got [${widths.join(', ')}]`);
    this.act = activationByName(options.activation ?? 'relu');
    this.finalAct = options.finalActivation ? activationByName(options.finalActivation) : null;
    this.layers = this.registerModule('layers', new ModuleList<Linear>());
    for (let i = 0; i + 1 < widths.length; i++) {
      this.layers.push(new Linear(widths[i], widths[i + 1], { rng: options.rng, bias: options.bias, init: options.init }));
    }
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      let h = x;
      const n = this.layers.length;
      this.layers.items.forEach((layer, i) => {
        h = layer.forward(h);
        const act = i === n - 1 ? this.finalAct : this.act;
        if (act) h = act(h);
      });
      return h;
    });
  }
}
