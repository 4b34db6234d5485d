// The partitioned autoencoder: an MLP encoder whose code is split into two halves (each from
// its own head, so parameter routing can address them by name) and a mirrored MLP decoder.
// It exposes hook points like any hooked model: `encoder.hook_trunk` (the encoder's last hidden
// layer), `encoder.hook_code` (the whole code, first half then second) and `decoder.hook_hidden`.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { Linear, MLP, Module } from '../../nn/index.js';
import { uniform } from '../../nn/init.js';
import { applyHook, type HookedModel, type Hooks } from '../hooks.js';

export interface AutoencoderShape {
  inputSize: number;
  /** Encoder hidden widths, e.g. [2048, 512]; the decoder mirrors them. */
  hidden: number[];
  /** Code width (even: two halves). */
  codeSize: number;
  /**
   * Scale of the code heads' initial weights relative to PyTorch's default (default 1). A small
   * scale starts each code half nearly empty, so what it comes to hold is what routing put there.
   */
  headInitScale?: number;
}

export interface AutoencoderOutput {
  code: Tensor;
  reconstruction: Tensor;
}

export const AUTOENCODER_HOOKS = ['encoder.hook_trunk', 'encoder.hook_code', 'decoder.hook_hidden'] as const;

class SplitCodeEncoder extends Module {
  readonly trunk: MLP;
  readonly headFirst: Linear;
  readonly headSecond: Linear;

  constructor(shape: AutoencoderShape, rng: Rng) {
    super();
    const last = shape.hidden[shape.hidden.length - 1];
    this.trunk = this.registerModule('trunk', new MLP([shape.inputSize, ...shape.hidden], { rng, finalActivation: 'relu' }));
    const scale = shape.headInitScale ?? 1;
    const init = (r: Rng, s: readonly number[]) => uniform(r, s, -scale / Math.sqrt(last), scale / Math.sqrt(last));
    this.headFirst = this.registerModule('head_first', new Linear(last, shape.codeSize / 2, { rng, init, bias: false }));
    this.headSecond = this.registerModule('head_second', new Linear(last, shape.codeSize / 2, { rng, init, bias: false }));
  }
}

export class PartitionedAutoencoder extends Module implements HookedModel<Tensor, AutoencoderOutput> {
  readonly encoder: SplitCodeEncoder;
  /** Decoder: code -> hidden (mirrored) -> image, linear output. */
  readonly decoder: MLP;

  constructor(readonly shape: AutoencoderShape, rng: Rng) {
    super();
    if (shape.hidden.length === 0) throw new Error('PartitionedAutoencoder: hidden needs at least one width');
    if (!Number.isInteger(shape.codeSize) || shape.codeSize < 2 || shape.codeSize % 2 !== 0) {
      throw new Error(`PartitionedAutoencoder: codeSize must be an even integer >= 2, got ${shape.codeSize}`);
    }
    this.encoder = this.registerModule('encoder', new SplitCodeEncoder(shape, rng.fork('encoder')));
    const widths = [shape.codeSize, ...[...shape.hidden].reverse(), shape.inputSize];
    this.decoder = this.registerModule('decoder', new MLP(widths, { rng: rng.fork('decoder') }));
  }

  hookNames(): string[] {
    return [...AUTOENCODER_HOOKS];
  }

  /** Code of a batch [B, inputSize] -> [B, codeSize], with hooks at encoder.hook_trunk and encoder.hook_code. */
  encode(x: Tensor, hooks?: Hooks): Tensor {
    const h = applyHook(hooks, 'encoder.hook_trunk', this.encoder.trunk.forward(x));
    const code = tf.concat([this.encoder.headFirst.forward(h), this.encoder.headSecond.forward(h)], 1);
    return applyHook(hooks, 'encoder.hook_code', code);
  }

  decode(code: Tensor, hooks?: Hooks): Tensor {
    const layers = this.decoder.layers.items;
    let h = code;
    layers.forEach((layer, i) => {
      h = layer.forward(h);
      if (i < layers.length - 1) {
        h = tf.relu(h);
        if (i === layers.length - 2) h = applyHook(hooks, 'decoder.hook_hidden', h);
      }
    });
    return h;
  }

  runWithHooks(x: Tensor, hooks: Hooks): AutoencoderOutput {
    const code = this.encode(x, hooks);
    return { code, reconstruction: this.decode(code, hooks) };
  }
}

/** A certificate decoder: reconstructs images from one (detached) half of the code. */
export function certificateDecoder(halfSize: number, hidden: number[], inputSize: number, rng: Rng): MLP {
  return new MLP([halfSize, ...[...hidden].reverse(), inputSize], { rng });
}
