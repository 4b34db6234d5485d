// Benchmark (d): forward of a KataGo-b6c96-shaped conv trunk, NHWC: an input 5x5 conv
// then residual blocks of (BN-relu-conv3x3-BN-relu-conv3x3 + skip), inference-mode BN, no conv bias.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { exportAll, randomNormal, randomUniform, type Workload } from './workload.js';

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

const BN_EPS = 1e-5;

export function buildConvTrunk(shape: ConvTrunkShape, seed = 3): Workload {
  const { batch, size, inChannels, channels: c, blocks, inputKernel: k } = shape;
  const rng = new Rng(seed);
  const p: Record<string, Tensor> = {};
  p['input.weight'] = randomNormal(rng, [k, k, inChannels, c], Math.sqrt(2 / (k * k * inChannels)));
  for (let b = 0; b < blocks; b++) {
    for (const n of [1, 2]) {
      p[`blocks.${b}.bn${n}.mean`] = randomNormal(rng, [c], 0.1);
      p[`blocks.${b}.bn${n}.variance`] = randomUniform(rng, [c], 0.5, 1.5);
      p[`blocks.${b}.bn${n}.weight`] = randomUniform(rng, [c], 0.5, 1.5);
      p[`blocks.${b}.bn${n}.bias`] = randomNormal(rng, [c], 0.1);
      p[`blocks.${b}.conv${n}.weight`] = randomNormal(rng, [3, 3, c, c], Math.sqrt(2 / (9 * c)));
    }
  }
  const x = randomNormal(rng, [batch, size, size, inChannels]);

  const bnRelu = (h: Tensor, name: string) =>
    tf.relu(tf.batchNorm(h, p[`${name}.mean`], p[`${name}.variance`], p[`${name}.bias`], p[`${name}.weight`], BN_EPS));
  const forward = (): Tensor =>
    tf.tidy(() => {
      let h = tf.conv2d(x as tf.Tensor4D, p['input.weight'] as tf.Tensor4D, 1, 'same');
      for (let b = 0; b < blocks; b++) {
        const a = tf.conv2d(bnRelu(h, `blocks.${b}.bn1`) as tf.Tensor4D, p[`blocks.${b}.conv1.weight`] as tf.Tensor4D, 1, 'same');
        const r = tf.conv2d(bnRelu(a, `blocks.${b}.bn2`) as tf.Tensor4D, p[`blocks.${b}.conv2.weight`] as tf.Tensor4D, 1, 'same');
        h = tf.add(h, r);
      }
      return h;
    });
  const runOnce = (): Float32Array => {
    const out = forward();
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  };

  return {
    run: () => void runOnce(),
    exportState: () => ({ params: exportAll(p), inputs: exportAll({ x }) }),
    reference: () => ({ output: Array.from(runOnce()) }),
    dispose: () => tf.dispose([...Object.values(p), x]),
  };
}
