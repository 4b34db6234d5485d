// The KataGo residual network as tf ops (NHWC): trunk with global-pooling blocks, policy head (board
// logits plus a pass logit), value head (win/loss/no-result logits, score outputs, ownership logits).
// Batch norms are folded into per-channel scale and bias at load time; a norm that directly follows
// a convolution is folded further into that convolution's filter and a bias, so conv, bias and
// ReLU run as one fused conv2d (and a bias added between them, as in global-pooling blocks, is
// scaled by the norm through its matrix). Outputs are raw network outputs
// from the perspective of the player to move; evaluator.ts turns them into probabilities.
//
// When the input is padded beyond the board (a fixed-size tensor holding a smaller board), channel 0
// of the input (the on-board feature) is the mask: every normalisation output is zeroed off the board
// and global pooling averages over the board only, as KataGo does. Without padding no mask is needed.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type {
  Activation, ConvLayer, KataGoModel, MatMulLayer, NormLayer, ResidualBlock, BiasLayer,
} from './model-file.js';
import { NativeKataGoProgram, scaleColumns, type NativeOutputs } from './native-program.js';

type T4 = ReturnType<typeof tf.tensor4d>;
type T2 = ReturnType<typeof tf.tensor2d>;

interface Conv { filter: T4; dilation: [number, number] }
interface Norm { scale: Tensor; bias: Tensor }
/** A convolution with the following norm folded in: conv(x, filter * scale) + bias. */
interface FoldedConv { filter: T4; bias: Tensor; dilation: [number, number] }


/** Raw outputs for a batch (all from the perspective of the player to move). */
export interface RawNetOutput {
  batch: number;
  height: number;
  width: number;
  /** [batch, height*width] policy logits (first policy channel), row-major. */
  policy: Float32Array;
  /** [batch] pass logits. */
  pass: Float32Array;
  /** The optimistic policy's board and pass logits (second channel, version 12 and newer), or null. */
  optimisticPolicy: Float32Array | null;
  optimisticPass: Float32Array | null;
  /** [batch, 3] win, loss, no-result logits. */
  value: Float32Array;
  /** [batch, scoreChannels] score-head outputs (4 for version 8, 6 from version 9). */
  score: Float32Array;
  scoreChannels: number;
  /** [batch, height*width] ownership logits. */
  ownership: Float32Array;
}

export interface KataGoNetworkOptions {
  /**
   * Run unpadded forward passes as one native program (native-program.ts) when the native backend
   * is active (default true); false keeps every pass on tf ops.
   */
  native?: boolean;
}

export class KataGoNetwork {
  readonly model: KataGoModel;
  /** The native whole-network program, or null when forward passes run on tf ops. */
  readonly native: NativeKataGoProgram | null;
  private readonly convs = new Map<ConvLayer, Conv>();
  private readonly norms = new Map<NormLayer, Norm>();
  private readonly mats = new Map<MatMulLayer | BiasLayer, Tensor>();
  private readonly folded = new Map<ConvLayer, FoldedConv>();
  /** Matrices whose output feeds a norm, with that norm's scale folded in. */
  private readonly scaledMats = new Map<MatMulLayer, T2>();
  private disposed = false;

  constructor(model: KataGoModel, opts: KataGoNetworkOptions = {}) {
    this.model = model;
    this.native = opts.native === false ? null : NativeKataGoProgram.create(model);
    const visit = (v: unknown): void => {
      if (!v || typeof v !== 'object' || v instanceof Float32Array) return;
      if (Array.isArray(v)) { v.forEach(visit); return; }
      const o = v as Record<string, unknown>;
      if ('kernelY' in o && 'weights' in o) {
        const c = o as unknown as ConvLayer;
        this.convs.set(c, { filter: tf.tensor4d(c.weights, [c.kernelY, c.kernelX, c.inChannels, c.outChannels]), dilation: [c.dilationY, c.dilationX] });
      } else if ('scale' in o && 'bias' in o && 'channels' in o) {
        const n = o as unknown as NormLayer;
        this.norms.set(n, { scale: tf.tensor1d(n.scale), bias: tf.tensor1d(n.bias) });
      } else if ('inChannels' in o && 'outChannels' in o && 'weights' in o) {
        const m = o as unknown as MatMulLayer;
        this.mats.set(m, tf.tensor2d(m.weights, [m.inChannels, m.outChannels]));
      } else if ('channels' in o && 'weights' in o) {
        const b = o as unknown as BiasLayer;
        this.mats.set(b, tf.tensor1d(b.weights));
      } else {
        Object.values(o).forEach(visit);
      }
    };
    visit(model.trunk);
    visit(model.policyHead);
    visit(model.valueHead);
    const foldBlocks = (blocks: ResidualBlock[]): void => {
      for (const b of blocks) {
        if (b.kind === 'ordinary') this.fold(b.regularConv, b.midNorm);
        else if (b.kind === 'gpool') {
          this.fold(b.regularConv, b.midNorm);
          this.fold(b.gpoolConv, b.gpoolNorm);
          this.scaleMat(b.gpoolToBias, b.midNorm);
        } else foldBlocks(b.blocks);
      }
    };
    foldBlocks(model.trunk.blocks);
    const ph = model.policyHead, vh = model.valueHead;
    this.fold(ph.p1Conv, ph.p1Norm);
    this.fold(ph.g1Conv, ph.g1Norm);
    this.scaleMat(ph.gpoolToBias, ph.p1Norm);
    this.fold(vh.v1Conv, vh.v1Norm);
    // The unfolded originals of folded layers are never used.
    for (const conv of this.folded.keys()) { this.convs.get(conv)?.filter.dispose(); this.convs.delete(conv); }
    for (const m of this.scaledMats.keys()) { this.mats.get(m)?.dispose(); this.mats.delete(m); }
  }

  private fold(conv: ConvLayer, norm: NormLayer): void {
    if (conv.outChannels !== norm.channels) {
      throw new Error(`KataGoNetwork: ${norm.name} has ${norm.channels} channels but follows ${conv.name} with ${conv.outChannels} outputs`);
    }
    this.folded.set(conv, {
      filter: tf.tensor4d(scaleColumns(conv.weights, norm.scale), [conv.kernelY, conv.kernelX, conv.inChannels, conv.outChannels]),
      bias: tf.tensor1d(norm.bias),
      dilation: [conv.dilationY, conv.dilationX],
    });
  }

  private scaleMat(m: MatMulLayer, norm: NormLayer): void {
    if (m.outChannels !== norm.channels) {
      throw new Error(`KataGoNetwork: ${norm.name} has ${norm.channels} channels but ${m.name} has ${m.outChannels} outputs`);
    }
    this.scaledMats.set(m, tf.tensor2d(scaleColumns(m.weights, norm.scale), [m.inChannels, m.outChannels]));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.convs.values()) c.filter.dispose();
    for (const n of this.norms.values()) { n.scale.dispose(); n.bias.dispose(); }
    for (const m of this.mats.values()) m.dispose();
    for (const f of this.folded.values()) { f.filter.dispose(); f.bias.dispose(); }
    for (const m of this.scaledMats.values()) m.dispose();
  }

  /**
   * Runs the network on a batch. `spatial` is [batch, height, width, 22] (NHWC) and `global` is
   * [batch, 19]. `padded` says whether some points of the tensor are off the board (then channel 0
   * is used as the mask).
   */
  forward(spatial: Float32Array, global: Float32Array, batch: number, height: number, width: number, padded = false): RawNetOutput {
    this.checkInputs(spatial, global, batch, height, width);
    if (this.native && !padded) return this.split(this.native.forward(spatial, global, batch, height, width), batch, height, width);
    const [policy, pass, value, score, ownership] = this.forwardTf(spatial, global, batch, height, width, padded);
    return this.split({ policy, pass, value, score, ownership }, batch, height, width);
  }

  /**
   * forward() that lets JavaScript run meanwhile: on the native program the pass runs
   * single-threaded on a worker thread (several passes can run at once, one per core); otherwise
   * it is forward() itself.
   */
  async forwardAsync(spatial: Float32Array, global: Float32Array, batch: number, height: number, width: number): Promise<RawNetOutput> {
    if (!this.native) return this.forward(spatial, global, batch, height, width);
    this.checkInputs(spatial, global, batch, height, width);
    return this.split(await this.native.forwardAsync(spatial, global, batch, height, width), batch, height, width);
  }

  /** Splits the interleaved policy channels (the optimistic policy is the second, version 12+). */
  private split(o: NativeOutputs, batch: number, height: number, width: number): RawNetOutput {
    const m = this.model;
    const P = m.policyHead.outChannels;
    const channel = (all: Float32Array, c: number): Float32Array => {
      const out = new Float32Array(all.length / P);
      for (let i = 0; i < out.length; i++) out[i] = all[i * P + c];
      return out;
    };
    return {
      batch, height, width,
      policy: P === 1 ? o.policy : channel(o.policy, 0),
      pass: P === 1 ? o.pass : channel(o.pass, 0),
      optimisticPolicy: P > 1 ? channel(o.policy, 1) : null,
      optimisticPass: P > 1 ? channel(o.pass, 1) : null,
      value: o.value, score: o.score, scoreChannels: m.valueHead.sv3Mul.outChannels, ownership: o.ownership,
    };
  }

  private checkInputs(spatial: Float32Array, global: Float32Array, batch: number, height: number, width: number): void {
    if (this.disposed) throw new Error('KataGoNetwork: used after dispose()');
    const m = this.model;
    if (spatial.length !== batch * height * width * m.numInputChannels) {
      throw new Error(`KataGoNetwork.forward: spatial input has ${spatial.length} values, expected ${batch}x${height}x${width}x${m.numInputChannels}`);
    }
    if (global.length !== batch * m.numInputGlobalChannels) {
      throw new Error(`KataGoNetwork.forward: global input has ${global.length} values, expected ${batch}x${m.numInputGlobalChannels}`);
    }
  }

  /** The forward pass on tf ops: [policy, pass, value, score, ownership] raw arrays. */
  private forwardTf(spatial: Float32Array, global: Float32Array, batch: number, height: number, width: number, padded: boolean): Float32Array[] {
    const m = this.model;
    const outs = tf.tidy(() => {
      const x = tf.tensor4d(spatial, [batch, height, width, m.numInputChannels]);
      const g = tf.tensor2d(global, [batch, m.numInputGlobalChannels]);
      const mask = padded ? tf.slice(x, [0, 0, 0, 0], [batch, height, width, 1]) : null;
      const maskSum = mask ? tf.sum(mask, [1, 2]) : tf.fill([batch, 1], height * width);
      const ctx: Ctx = { mask, maskSum };
      const t = m.trunk;
      let trunk = tf.add(this.conv(x, t.initialConv), this.bias4(tf.matMul(g, this.mat(t.initialMatMul))));
      trunk = this.blocks(trunk, t.blocks, ctx);
      trunk = this.normAct(trunk, t.tipNorm, t.tipActivation, ctx);

      const ph = m.policyHead;
      const g1 = this.convNormAct(trunk, ph.g1Conv, ph.g1Activation, ctx);
      const g1Pooled = this.globalPool(g1, ctx);
      const p1 = this.convNormAct(trunk, ph.p1Conv, ph.p1Activation, ctx, tf.matMul(g1Pooled, this.scaledMats.get(ph.gpoolToBias)!));
      const policy4 = this.conv(p1, ph.p2Conv);
      const P = ph.outChannels;
      const policy = tf.reshape(policy4, [batch, height * width, P]);
      let pass = tf.matMul(g1Pooled, this.mat(ph.gpoolToPass));
      if (ph.passBias && ph.passActivation && ph.gpoolToPass2) {
        pass = tf.matMul(this.activate(tf.add(pass, this.mat(ph.passBias)), ph.passActivation), this.mat(ph.gpoolToPass2));
      }

      const vh = m.valueHead;
      const v1 = this.convNormAct(trunk, vh.v1Conv, vh.v1Activation, ctx);
      const v1Pooled = this.valuePool(v1, ctx);
      const v2 = this.activate(tf.add(tf.matMul(v1Pooled, this.mat(vh.v2Mul)), this.mat(vh.v2Bias)), vh.v2Activation);
      const value = tf.add(tf.matMul(v2, this.mat(vh.v3Mul)), this.mat(vh.v3Bias));
      const score = tf.add(tf.matMul(v2, this.mat(vh.sv3Mul)), this.mat(vh.sv3Bias));
      const ownership = tf.reshape(this.conv(v1, vh.ownershipConv), [batch, height * width]);
      return [policy, pass, value, score, ownership];
    });
    return outs.map((o) => {
      const d = o.dataSync() as Float32Array;
      o.dispose();
      return d;
    });
  }

  private conv(x: Tensor, layer: ConvLayer): T4 {
    const c = this.convs.get(layer)!;
    return tf.conv2d(x as T4, c.filter, 1, 'same', 'NHWC', c.dilation);
  }

  private mat(layer: MatMulLayer | BiasLayer): T2 {
    return this.mats.get(layer)! as T2;
  }

  /** [batch, channels] -> [batch, 1, 1, channels] for broadcasting over the board. */
  private bias4(v: Tensor): Tensor {
    return tf.expandDims(tf.expandDims(v, 1), 1);
  }

  private activate(x: Tensor, a: Activation): Tensor {
    switch (a) {
      case 'identity': return x;
      case 'relu': return tf.relu(x);
      case 'mish': return tf.mul(x, tf.tanh(tf.softplus(x)));
      case 'silu': return tf.mul(x, tf.sigmoid(x));
    }
  }

  /**
   * act(norm(conv(x) [+ extra])) for a conv whose norm is folded in; `extra` is [batch, channels]
   * already multiplied by the norm's scale. One fused conv2d when no extra bias comes between.
   */
  private convNormAct(x: Tensor, layer: ConvLayer, a: Activation, ctx: Ctx, extra?: Tensor): T4 {
    const f = this.folded.get(layer)!;
    let y: Tensor;
    if (!extra && (a === 'relu' || a === 'identity')) {
      y = tf.fused.conv2d({ x: x as T4, filter: f.filter, strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: f.dilation, bias: f.bias, activation: a === 'relu' ? 'relu' : 'linear' });
    } else {
      y = tf.conv2d(x as T4, f.filter, 1, 'same', 'NHWC', f.dilation);
      y = this.activate(tf.add(y, extra ? tf.add(this.bias4(extra), f.bias) : f.bias), a);
    }
    if (ctx.mask) y = tf.mul(y, ctx.mask);
    return y as T4;
  }

  private normAct(x: Tensor, layer: NormLayer, a: Activation, ctx: Ctx): T4 {
    const n = this.norms.get(layer)!;
    let y = this.activate(tf.add(tf.mul(x, n.scale), n.bias), a);
    if (ctx.mask) y = tf.mul(y, ctx.mask);
    return y as T4;
  }

  /**
   * Runs residual blocks on `trunk`, which it consumes (disposes). Each block's intermediates are
   * freed as soon as the block ends, so the backend can recycle their buffers for the next one.
   */
  private blocks(trunk: Tensor, blocks: ResidualBlock[], ctx: Ctx): Tensor {
    for (const b of blocks) {
      const next = tf.tidy(() => this.block(trunk, b, ctx));
      trunk.dispose();
      trunk = next;
    }
    return trunk;
  }

  private block(trunk: Tensor, b: ResidualBlock, ctx: Ctx): Tensor {
    const a = this.normAct(trunk, b.preNorm, b.preActivation, ctx);
    if (b.kind === 'ordinary') {
      const mid = this.convNormAct(a, b.regularConv, b.midActivation, ctx);
      return tf.add(trunk, this.conv(mid, b.finalConv));
    }
    if (b.kind === 'gpool') {
      const gp = this.convNormAct(a, b.gpoolConv, b.gpoolActivation, ctx);
      const bias = tf.matMul(this.globalPool(gp, ctx), this.scaledMats.get(b.gpoolToBias)!);
      const mid = this.convNormAct(a, b.regularConv, b.midActivation, ctx, bias);
      return tf.add(trunk, this.conv(mid, b.finalConv));
    }
    const inner = this.blocks(this.conv(a, b.preConv), b.blocks, ctx);
    const mid = this.normAct(inner, b.postNorm, b.postActivation, ctx);
    return tf.add(trunk, this.conv(mid, b.postConv));
  }

  /** KataGo's global pooling: [mean, mean * (sqrt(area) - 14) / 10, max] over the board per channel. */
  private globalPool(x: Tensor, ctx: Ctx): Tensor {
    const mean = tf.div(tf.sum(x, [1, 2]), ctx.maskSum);
    const scaled = tf.mul(mean, tf.mul(tf.sub(tf.sqrt(ctx.maskSum), 14), 0.1));
    // Off-board points (zero after masking) are pushed to -1, below any activation output.
    const max = tf.max(ctx.mask ? tf.add(x, tf.sub(ctx.mask, 1)) : x, [1, 2]);
    return tf.concat([mean, scaled, max], 1);
  }

  /** The value head's pooling: [mean, mean * (sqrt(area) - 14) / 10, mean * ((sqrt(area) - 14)^2 / 100 - 0.1)]. */
  private valuePool(x: Tensor, ctx: Ctx): Tensor {
    const mean = tf.div(tf.sum(x, [1, 2]), ctx.maskSum);
    const s = tf.sub(tf.sqrt(ctx.maskSum), 14);
    const scaled = tf.mul(mean, tf.mul(s, 0.1));
    const quad = tf.mul(mean, tf.sub(tf.mul(tf.square(s), 0.01), 0.1));
    return tf.concat([mean, scaled, quad], 1);
  }
}

interface Ctx {
  /** [batch, h, w, 1] on-board mask, or null when the whole tensor is board. */
  mask: Tensor | null;
  /** [batch, 1] number of on-board points. */
  maskSum: Tensor;
}
