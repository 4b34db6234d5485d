// The KataGo network as one native program (native/src/go_net.cc): the whole forward pass (trunk,
// policy and value heads) runs in a single addon call, with every batch norm that follows a
// convolution folded into its filter and bias, and 3x3 convolutions through Winograd F(4x4, 3x3).
// A wide convolution of the (sparse) input features scatters their nonzeros instead. The same network
// as network.ts (the tf-ops path) up to float rounding; that path stays the reference and serves the
// pure-JS backends, padded boards and dilated convolutions. A pass can also run single-threaded on a
// worker thread (forwardAsync), several at once.
import { tf } from '../../engine/tfjs.js';
import { loadedAddon } from '../../engine/native/register.js';
import type {
  Activation, BiasLayer, ConvLayer, KataGoModel, MatMulLayer, NormLayer, ResidualBlock,
} from './model-file.js';

/** The addon functions this file uses (native/src/go_net.cc). */
interface GoNetAddon {
  goNetCreate(ops: Int32Array, weights: Float32Array, slots: Int32Array, outputs: Int32Array): unknown;
  goNetForward(net: unknown, spatial: Float32Array, global: Float32Array, n: number, h: number, w: number): Float32Array[];
  goNetForwardAsync(net: unknown, spatial: Float32Array, global: Float32Array, n: number, h: number, w: number): Promise<Float32Array[]>;
}

const OP_WORDS = 12;
const ACT: Record<Activation, number> = { identity: 0, relu: 1, mish: 2, silu: 3 };

/** Weights [..., out] with every output channel multiplied by scale[out]. */
export function scaleColumns(weights: Float32Array, scale: Float32Array): Float32Array {
  const out = new Float32Array(weights.length);
  const n = scale.length;
  for (let i = 0; i < weights.length; i++) out[i] = weights[i] * scale[i % n];
  return out;
}

/** The native program's raw outputs: policy [N,H,W,P], pass [N,P], value [N,3], score [N,S], ownership [N,H,W]. */
export interface NativeOutputs { policy: Float32Array; pass: Float32Array; value: Float32Array; score: Float32Array; ownership: Float32Array }

function outputs([policy, pass, value, score, ownership]: Float32Array[]): NativeOutputs {
  return { policy, pass, value, score, ownership };
}

/** Assembles ops, weights and slots. */
class ProgramBuilder {
  readonly ops: number[] = [];
  readonly slots: number[] = [];
  /** Set when the model needs something the native program lacks (dilated convolutions). */
  unsupported = false;
  private readonly chunks: Float32Array[] = [];
  private size = 0;

  slot(channels: number, spatial: boolean): number {
    this.slots.push(channels, spatial ? 1 : 0);
    return this.slots.length / 2 - 1;
  }

  weights(w: Float32Array | null): number {
    if (!w) return -1;
    const off = this.size;
    this.chunks.push(w);
    this.size += w.length;
    return off;
  }

  private op(words: number[]): void {
    while (words.length < OP_WORDS) words.push(0);
    this.ops.push(...words);
  }

  conv(input: number, output: number, c: ConvLayer, filter: Float32Array, bias: Float32Array | null, vec: number, act: Activation, accumulate: boolean): void {
    if (c.dilationX !== 1 || c.dilationY !== 1) this.unsupported = true;
    this.op([1, input, output, c.kernelY, c.kernelX, c.inChannels, c.outChannels, this.weights(filter), this.weights(bias), vec, ACT[act], accumulate ? 1 : 0]);
  }

  normAct(input: number, output: number, n: NormLayer, act: Activation): void {
    this.op([2, input, output, n.channels, this.weights(n.scale), this.weights(n.bias), ACT[act]]);
  }

  pool(input: number, output: number, channels: number, valueHead: boolean): void {
    this.op([3, input, output, channels, valueHead ? 1 : 0]);
  }

  matmul(input: number, output: number, m: MatMulLayer, weights: Float32Array, bias: BiasLayer | null, act: Activation, accumulate = false): void {
    this.op([4, input, output, m.inChannels, m.outChannels, this.weights(weights), this.weights(bias ? bias.weights : null), ACT[act], accumulate ? 1 : 0]);
  }

  allWeights(): Float32Array {
    const all = new Float32Array(this.size);
    let off = 0;
    for (const c of this.chunks) { all.set(c, off); off += c.length; }
    return all;
  }
}

function foldCheck(conv: ConvLayer, norm: NormLayer): void {
  if (conv.outChannels !== norm.channels) {
    throw new Error(`KataGo network: ${norm.name} has ${norm.channels} channels but follows ${conv.name} with ${conv.outChannels} outputs`);
  }
}

/** The native addon's KataGo forward pass for one model; null from create() when the addon lacks it. */
export class NativeKataGoProgram {
  private constructor(private readonly addon: GoNetAddon, private readonly handle: unknown) {}

  /**
   * Builds the program when the native backend is active, its addon has the KataGo kernels and the
   * model has no dilated convolution (else null: the caller uses the tf-ops path).
   */
  static create(model: KataGoModel): NativeKataGoProgram | null {
    const addon = loadedAddon() as unknown as GoNetAddon | null;
    if (!addon || typeof addon.goNetCreate !== 'function' || typeof addon.goNetForwardAsync !== 'function' || tf.getBackend() !== 'native') return null;
    return NativeKataGoProgram.build(addon, model);
  }

  private static build(addon: GoNetAddon, m: KataGoModel): NativeKataGoProgram | null {
    const b = new ProgramBuilder();
    const input = b.slot(m.numInputChannels, true);
    const global = b.slot(m.numInputGlobalChannels, false);
    const t = m.trunk;
    const C = t.channels;
    const trunk = b.slot(C, true);
    const initVec = b.slot(t.initialMatMul.outChannels, false);
    b.matmul(global, initVec, t.initialMatMul, t.initialMatMul.weights, null, 'identity');
    b.conv(input, trunk, t.initialConv, t.initialConv.weights, null, initVec, 'identity', false);
    // Scratch slots per nesting depth and channel count, reused by every block at that depth.
    const scratch = new Map<string, number>();
    const tmp = (role: string, channels: number, spatial: boolean): number => {
      const key = `${role}/${channels}/${spatial}`;
      let s = scratch.get(key);
      if (s === undefined) { s = b.slot(channels, spatial); scratch.set(key, s); }
      return s;
    };
    const folded = (conv: ConvLayer, norm: NormLayer): Float32Array => { foldCheck(conv, norm); return scaleColumns(conv.weights, norm.scale); };
    const blocks = (x: number, channels: number, list: ResidualBlock[], depth: number): void => {
      for (const blk of list) {
        const a = tmp(`a${depth}`, channels, true);
        b.normAct(x, a, blk.preNorm, blk.preActivation);
        if (blk.kind === 'nested') {
          const ic = blk.preConv.outChannels;
          const inner = tmp(`inner${depth}`, ic, true);
          b.conv(a, inner, blk.preConv, blk.preConv.weights, null, -1, 'identity', false);
          blocks(inner, ic, blk.blocks, depth + 1);
          const mid = tmp(`post${depth}`, ic, true);
          b.normAct(inner, mid, blk.postNorm, blk.postActivation);
          b.conv(mid, x, blk.postConv, blk.postConv.weights, null, -1, 'identity', true);
          continue;
        }
        const mc = blk.regularConv.outChannels;
        let vec = -1;
        if (blk.kind === 'gpool') {
          const gc = blk.gpoolConv.outChannels;
          const gp = tmp(`gp${depth}`, gc, true);
          b.conv(a, gp, blk.gpoolConv, folded(blk.gpoolConv, blk.gpoolNorm), blk.gpoolNorm.bias, -1, blk.gpoolActivation, false);
          const pooled = tmp(`gpPooled${depth}`, 3 * gc, false);
          b.pool(gp, pooled, gc, false);
          vec = tmp(`gpBias${depth}`, mc, false);
          if (blk.gpoolToBias.outChannels !== blk.midNorm.channels) throw new Error(`KataGo network: ${blk.gpoolToBias.name} has ${blk.gpoolToBias.outChannels} outputs but ${blk.midNorm.name} has ${blk.midNorm.channels} channels`);
          b.matmul(pooled, vec, blk.gpoolToBias, scaleColumns(blk.gpoolToBias.weights, blk.midNorm.scale), null, 'identity');
        }
        const mid = tmp(`mid${depth}`, mc, true);
        b.conv(a, mid, blk.regularConv, folded(blk.regularConv, blk.midNorm), blk.midNorm.bias, vec, blk.midActivation, false);
        b.conv(mid, x, blk.finalConv, blk.finalConv.weights, null, -1, 'identity', true);
      }
    };
    blocks(trunk, C, t.blocks, 0);
    const tip = b.slot(C, true);
    b.normAct(trunk, tip, t.tipNorm, t.tipActivation);

    const ph = m.policyHead;
    const g1c = ph.g1Conv.outChannels, p1c = ph.p1Conv.outChannels, P = ph.outChannels;
    const g1 = b.slot(g1c, true);
    b.conv(tip, g1, ph.g1Conv, folded(ph.g1Conv, ph.g1Norm), ph.g1Norm.bias, -1, ph.g1Activation, false);
    const g1Pooled = b.slot(3 * g1c, false);
    b.pool(g1, g1Pooled, g1c, false);
    const pBias = b.slot(p1c, false);
    if (ph.gpoolToBias.outChannels !== ph.p1Norm.channels) throw new Error(`KataGo network: ${ph.gpoolToBias.name} has ${ph.gpoolToBias.outChannels} outputs but ${ph.p1Norm.name} has ${ph.p1Norm.channels} channels`);
    b.matmul(g1Pooled, pBias, ph.gpoolToBias, scaleColumns(ph.gpoolToBias.weights, ph.p1Norm.scale), null, 'identity');
    const p1 = b.slot(p1c, true);
    b.conv(tip, p1, ph.p1Conv, folded(ph.p1Conv, ph.p1Norm), ph.p1Norm.bias, pBias, ph.p1Activation, false);
    const policy = b.slot(P, true);
    b.conv(p1, policy, ph.p2Conv, ph.p2Conv.weights, null, -1, 'identity', false);
    let pass = b.slot(ph.gpoolToPass.outChannels, false);
    if (ph.passBias && ph.passActivation && ph.gpoolToPass2) {
      b.matmul(g1Pooled, pass, ph.gpoolToPass, ph.gpoolToPass.weights, ph.passBias, ph.passActivation);
      const pass2 = b.slot(ph.gpoolToPass2.outChannels, false);
      b.matmul(pass, pass2, ph.gpoolToPass2, ph.gpoolToPass2.weights, null, 'identity');
      pass = pass2;
    } else {
      b.matmul(g1Pooled, pass, ph.gpoolToPass, ph.gpoolToPass.weights, null, 'identity');
    }

    const vh = m.valueHead;
    const v1c = vh.v1Conv.outChannels;
    const v1 = b.slot(v1c, true);
    b.conv(tip, v1, vh.v1Conv, folded(vh.v1Conv, vh.v1Norm), vh.v1Norm.bias, -1, vh.v1Activation, false);
    const v1Pooled = b.slot(3 * v1c, false);
    b.pool(v1, v1Pooled, v1c, true);
    const v2 = b.slot(vh.v2Mul.outChannels, false);
    b.matmul(v1Pooled, v2, vh.v2Mul, vh.v2Mul.weights, vh.v2Bias, vh.v2Activation);
    const value = b.slot(vh.v3Mul.outChannels, false);
    b.matmul(v2, value, vh.v3Mul, vh.v3Mul.weights, vh.v3Bias, 'identity');
    const score = b.slot(vh.sv3Mul.outChannels, false);
    b.matmul(v2, score, vh.sv3Mul, vh.sv3Mul.weights, vh.sv3Bias, 'identity');
    const own = b.slot(vh.ownershipConv.outChannels, true);
    b.conv(v1, own, vh.ownershipConv, vh.ownershipConv.weights, null, -1, 'identity', false);

    if (b.unsupported) return null;
    const handle = addon.goNetCreate(Int32Array.from(b.ops), b.allWeights(), Int32Array.from(b.slots), Int32Array.from([policy, pass, value, score, own]));
    return new NativeKataGoProgram(addon, handle);
  }

  /** One forward pass on the addon's thread pool: spatial [n, h, w, inputs] NHWC, global [n, globals]. */
  forward(spatial: Float32Array, global: Float32Array, n: number, h: number, w: number): NativeOutputs {
    return outputs(this.addon.goNetForward(this.handle, spatial, global, n, h, w));
  }

  /**
   * The same pass single-threaded on a libuv worker thread, so that JavaScript keeps running and
   * several passes run side by side (one per core). Same numbers as forward().
   */
  async forwardAsync(spatial: Float32Array, global: Float32Array, n: number, h: number, w: number): Promise<NativeOutputs> {
    return outputs(await this.addon.goNetForwardAsync(this.handle, spatial, global, n, h, w));
  }
}
