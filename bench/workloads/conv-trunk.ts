// Benchmark (d): forward of a KataGo-b6c96-shaped conv trunk from src/nn layers, NHWC: an input
// 5x5 conv, then pre-activation residual blocks (BN-relu-conv3x3-BN-relu-conv3x3 + skip),
// batch norm in inference mode, no conv bias.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { Conv2d, Module, ModuleList, ResBlock, init } from '../../src/nn/index.js';
import { exportAll, type Workload } from './workload.js';

export interface ConvTrunkShape {
  batch: number;
  /** Board side (19 for Go). */
  size: number;
  inChannels: number;
  channels: number;
  blocks: number;
  inputKernel: number;
}

export const CONV_FULL: ConvTrunkShape = { batch: 16, size: 19, inChannels: 22, channels: 96, blocks: 6, inputKernel: 5 };
export const CONV_TINY: ConvTrunkShape = { batch: 2, size: 5, inChannels: 3, channels: 4, blocks: 2, inputKernel: 5 };

class ConvTrunk extends Module {
  readonly input: Conv2d;
  readonly blocks: ModuleList<ResBlock>;

  constructor(s: ConvTrunkShape, rng: Rng) {
    super();
    const heInit = (r: Rng, shape: readonly number[]) => init.kaimingNormal(r, shape);
    this.input = this.registerModule('input', new Conv2d(s.inChannels, s.channels, s.inputKernel, { rng, bias: false, init: heInit }));
    this.blocks = this.registerModule('blocks', new ModuleList<ResBlock>());
    for (let b = 0; b < s.blocks; b++) this.blocks.push(new ResBlock(s.channels, { rng, preActivation: true, init: heInit }));
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => this.blocks.items.reduce((h, block) => block.forward(h), this.input.forward(x)));
  }

  /** Random batch-norm statistics and affine parameters, so inference-mode BN does real work. */
  randomizeBatchNorms(rng: Rng): void {
    const c = this.input.outChannels;
    const state: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(this.stateDict())) {
      if (name.endsWith('running_mean') || name.endsWith('.bias')) state[name] = init.normal(rng, [c], 0.1);
      else if (name.endsWith('running_var') || /bn\d\.weight$/.test(name)) state[name] = init.uniform(rng, [c], 0.5, 1.5);
      else state[name] = tf.clone(t);
    }
    this.loadStateDict(state);
    tf.dispose(Object.values(state));
  }
}

export function buildConvTrunk(shape: ConvTrunkShape, seed = 3): Workload {
  const rng = new Rng(seed);
  const model = new ConvTrunk(shape, rng.fork('init'));
  model.randomizeBatchNorms(rng.fork('batch-norm'));
  model.eval();
  const x = init.normal(rng, [shape.batch, shape.size, shape.size, shape.inChannels]);
  const runOnce = (): Float32Array => {
    const out = model.forward(x);
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  };

  return {
    run: () => void runOnce(),
    exportState: () => ({ params: exportAll(model.stateDict()), inputs: exportAll({ x }) }),
    reference: () => ({ output: Array.from(runOnce()) }),
    dispose: () => {
      model.dispose();
      x.dispose();
    },
  };
}
