// KataGo model files (`.bin.gz`, or `.bin` uncompressed): a stream of whitespace-separated header
// tokens (names, sizes, flags) in which each weight block is the marker `@BIN@` followed by that many
// little-endian float32 values. Layers appear in a fixed order per model version; this module reads
// them into plain descriptions with the weights as Float32Arrays, checking every size against its
// neighbours so a truncated or corrupt file fails with a message naming the layer.
//
// Supported: model versions 8 to 15 (g170 nets are version 8; kata1 nets up to b18c384nbt use up to
// 15), with ordinary, global-pooling and nested-bottleneck residual blocks and ReLU/Mish/SiLU/identity
// activations. Not supported (rejected with a clear error): versions below 8 (other input features),
// 16 and newer (Q-value policy channels, transformer blocks), SGF-metadata encoders (human-style nets),
// and trunks normalised other than by batch norm.
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

export const MIN_MODEL_VERSION = 8;
export const MAX_MODEL_VERSION = 15;

export type Activation = 'identity' | 'relu' | 'mish' | 'silu';

/** Convolution weights in the file's order: [y][x][inChannel][outChannel] (tf.conv2d's HWIO). */
export interface ConvLayer {
  name: string;
  kernelY: number;
  kernelX: number;
  inChannels: number;
  outChannels: number;
  dilationY: number;
  dilationX: number;
  weights: Float32Array;
}

/** Batch norm with its stored statistics, folded to a per-channel affine map y = x * scale + bias. */
export interface NormLayer {
  name: string;
  channels: number;
  scale: Float32Array;
  bias: Float32Array;
}

/** Fully connected weights in the file's order: [inChannel][outChannel]. */
export interface MatMulLayer {
  name: string;
  inChannels: number;
  outChannels: number;
  weights: Float32Array;
}

export interface BiasLayer {
  name: string;
  channels: number;
  weights: Float32Array;
}

export interface OrdinaryBlock {
  kind: 'ordinary';
  name: string;
  preNorm: NormLayer;
  preActivation: Activation;
  regularConv: ConvLayer;
  midNorm: NormLayer;
  midActivation: Activation;
  finalConv: ConvLayer;
}

export interface GlobalPoolingBlock {
  kind: 'gpool';
  name: string;
  preNorm: NormLayer;
  preActivation: Activation;
  regularConv: ConvLayer;
  gpoolConv: ConvLayer;
  gpoolNorm: NormLayer;
  gpoolActivation: Activation;
  gpoolToBias: MatMulLayer;
  midNorm: NormLayer;
  midActivation: Activation;
  finalConv: ConvLayer;
}

export interface NestedBottleneckBlock {
  kind: 'nested';
  name: string;
  preNorm: NormLayer;
  preActivation: Activation;
  preConv: ConvLayer;
  blocks: ResidualBlock[];
  postNorm: NormLayer;
  postActivation: Activation;
  postConv: ConvLayer;
}

export type ResidualBlock = OrdinaryBlock | GlobalPoolingBlock | NestedBottleneckBlock;

export interface Trunk {
  name: string;
  channels: number;
  initialConv: ConvLayer;
  initialMatMul: MatMulLayer;
  blocks: ResidualBlock[];
  tipNorm: NormLayer;
  tipActivation: Activation;
}

export interface PolicyHead {
  name: string;
  /** Policy output channels: 1 (v8-11), 2 (v12-15: the second is the optimistic policy). */
  outChannels: number;
  p1Conv: ConvLayer;
  g1Conv: ConvLayer;
  g1Norm: NormLayer;
  g1Activation: Activation;
  gpoolToBias: MatMulLayer;
  p1Norm: NormLayer;
  p1Activation: Activation;
  p2Conv: ConvLayer;
  gpoolToPass: MatMulLayer;
  /** Version 15 and newer: the pass logit goes through bias, activation and a second matmul. */
  passBias: BiasLayer | null;
  passActivation: Activation | null;
  gpoolToPass2: MatMulLayer | null;
}

export interface ValueHead {
  name: string;
  v1Conv: ConvLayer;
  v1Norm: NormLayer;
  v1Activation: Activation;
  v2Mul: MatMulLayer;
  v2Bias: BiasLayer;
  v2Activation: Activation;
  v3Mul: MatMulLayer;
  v3Bias: BiasLayer;
  sv3Mul: MatMulLayer;
  sv3Bias: BiasLayer;
  ownershipConv: ConvLayer;
}

/** Multipliers applied to raw outputs (read from the file from version 13; defaults before). */
export interface PostProcessParams {
  tdScoreMultiplier: number;
  scoreMeanMultiplier: number;
  scoreStdevMultiplier: number;
  leadMultiplier: number;
  varianceTimeMultiplier: number;
  shorttermValueErrorMultiplier: number;
  shorttermScoreErrorMultiplier: number;
}

export interface KataGoModel {
  name: string;
  version: number;
  numInputChannels: number;
  numInputGlobalChannels: number;
  postProcess: PostProcessParams;
  trunk: Trunk;
  policyHead: PolicyHead;
  valueHead: ValueHead;
}

const DEFAULT_POST_PROCESS: PostProcessParams = {
  tdScoreMultiplier: 20,
  scoreMeanMultiplier: 20,
  scoreStdevMultiplier: 20,
  leadMultiplier: 20,
  varianceTimeMultiplier: 40,
  shorttermValueErrorMultiplier: 0.25,
  shorttermScoreErrorMultiplier: 30,
};

/** Reads tokens and binary float blocks from the decompressed model bytes. */
class ModelReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array, private readonly source: string) {}

  fail(what: string): never {
    throw new Error(`KataGo model ${this.source}: ${what} (at byte ${this.pos} of ${this.bytes.length})`);
  }

  private isSpace(b: number): boolean {
    return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0b || b === 0x0c;
  }

  token(what: string): string {
    const b = this.bytes;
    while (this.pos < b.length && this.isSpace(b[this.pos])) this.pos++;
    const start = this.pos;
    while (this.pos < b.length && !this.isSpace(b[this.pos])) this.pos++;
    if (start === this.pos) this.fail(`file ends where ${what} was expected (truncated?)`);
    if (this.pos - start > 256) this.fail(`expected ${what}, found a token of ${this.pos - start} bytes (not a KataGo .bin model?)`);
    return Buffer.from(b.subarray(start, this.pos)).toString('latin1');
  }

  int(what: string): number {
    const t = this.token(what);
    if (!/^[-+]?\d+$/.test(t)) this.fail(`expected integer ${what}, got '${t}'`);
    return Number(t);
  }

  positiveInt(what: string): number {
    const v = this.int(what);
    if (v <= 0) this.fail(`${what} must be positive, got ${v}`);
    return v;
  }

  float(what: string): number {
    const t = this.token(what);
    const v = Number(t);
    if (!Number.isFinite(v)) this.fail(`expected number ${what}, got '${t}'`);
    return v;
  }

  floats(n: number, what: string): Float32Array {
    const b = this.bytes;
    let skipped = 0;
    while (this.pos < b.length && b[this.pos] !== 0x40) {
      if (!this.isSpace(b[this.pos]) || ++skipped > 100) this.fail(`expected '@BIN@' weights for ${what} (text-format .txt models are not supported)`);
      this.pos++;
    }
    if (this.pos + 5 > b.length || Buffer.from(b.subarray(this.pos, this.pos + 5)).toString('latin1') !== '@BIN@') {
      this.fail(`expected '@BIN@' weights for ${what}`);
    }
    this.pos += 5;
    const nBytes = n * 4;
    if (this.pos + nBytes > b.length) this.fail(`${what} needs ${n} floats but the file ends after ${Math.floor((b.length - this.pos) / 4)} (truncated)`);
    const out = new Float32Array(n);
    const view = new DataView(b.buffer, b.byteOffset + this.pos, nBytes);
    for (let i = 0; i < n; i++) {
      const v = view.getFloat32(i * 4, true);
      if (!Number.isFinite(v)) this.fail(`${what} has a non-finite weight at index ${i}`);
      out[i] = v;
    }
    this.pos += nBytes;
    return out;
  }

  atEnd(): boolean {
    while (this.pos < this.bytes.length && this.isSpace(this.bytes[this.pos])) this.pos++;
    return this.pos >= this.bytes.length;
  }
}

function readConv(r: ModelReader): ConvLayer {
  const name = r.token('conv layer name');
  const kernelY = r.positiveInt(`${name} kernel height`);
  const kernelX = r.positiveInt(`${name} kernel width`);
  const inChannels = r.positiveInt(`${name} input channels`);
  const outChannels = r.positiveInt(`${name} output channels`);
  const dilationY = r.positiveInt(`${name} dilation y`);
  const dilationX = r.positiveInt(`${name} dilation x`);
  if (kernelX % 2 !== 1 || kernelY % 2 !== 1) r.fail(`${name}: convolution kernel sizes must be odd, got ${kernelY}x${kernelX}`);
  const weights = r.floats(kernelY * kernelX * inChannels * outChannels, name);
  return { name, kernelY, kernelX, inChannels, outChannels, dilationY, dilationX, weights };
}

function readNorm(r: ModelReader): NormLayer {
  const name = r.token('batch norm layer name');
  const channels = r.positiveInt(`${name} channels`);
  const epsilon = r.float(`${name} epsilon`);
  if (!(epsilon > 0)) r.fail(`${name}: epsilon must be positive, got ${epsilon}`);
  const hasScale = r.int(`${name} hasScale`);
  const hasBias = r.int(`${name} hasBias`);
  const mean = r.floats(channels, `${name} mean`);
  const variance = r.floats(channels, `${name} variance`);
  const gamma = hasScale ? r.floats(channels, `${name} scale`) : null;
  const beta = hasBias ? r.floats(channels, `${name} bias`) : null;
  // Folded as KataGo does (in float32): scale = gamma / sqrt(var + eps), bias = beta - scale * mean.
  const scale = new Float32Array(channels);
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma ? gamma[c] : 1) / Math.fround(Math.sqrt(Math.fround(variance[c] + epsilon)));
    bias[c] = (beta ? beta[c] : 0) - scale[c] * mean[c];
  }
  return { name, channels, scale, bias };
}

function readActivation(r: ModelReader, version: number): Activation {
  const name = r.token('activation layer name');
  if (version < 11) return 'relu';
  const kind = r.token(`${name} activation kind`);
  switch (kind) {
    case 'ACTIVATION_IDENTITY': return 'identity';
    case 'ACTIVATION_RELU': return 'relu';
    case 'ACTIVATION_MISH': return 'mish';
    case 'ACTIVATION_SILU': return 'silu';
    default: return r.fail(`${name}: unknown activation '${kind}'`);
  }
}

function readMatMul(r: ModelReader): MatMulLayer {
  const name = r.token('matmul layer name');
  const inChannels = r.positiveInt(`${name} input channels`);
  const outChannels = r.positiveInt(`${name} output channels`);
  return { name, inChannels, outChannels, weights: r.floats(inChannels * outChannels, name) };
}

function readBias(r: ModelReader): BiasLayer {
  const name = r.token('bias layer name');
  const channels = r.positiveInt(`${name} channels`);
  return { name, channels, weights: r.floats(channels, name) };
}

function expectEqual(r: ModelReader, where: string, what: string, got: number, want: number): void {
  if (got !== want) r.fail(`${where}: ${what} is ${got}, expected ${want}`);
}

function readBlocks(r: ModelReader, version: number, count: number, channels: number, where: string): ResidualBlock[] {
  const blocks: ResidualBlock[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.token(`${where} block kind`);
    let block: ResidualBlock;
    if (kind === 'ordinary_block') {
      const name = r.token('block name');
      const preNorm = readNorm(r);
      const preActivation = readActivation(r, version);
      const regularConv = readConv(r);
      const midNorm = readNorm(r);
      const midActivation = readActivation(r, version);
      const finalConv = readConv(r);
      expectEqual(r, name, 'regular conv input channels', regularConv.inChannels, preNorm.channels);
      expectEqual(r, name, 'mid norm channels', midNorm.channels, regularConv.outChannels);
      expectEqual(r, name, 'final conv input channels', finalConv.inChannels, midNorm.channels);
      block = { kind: 'ordinary', name, preNorm, preActivation, regularConv, midNorm, midActivation, finalConv };
      expectEqual(r, name, 'output channels', finalConv.outChannels, channels);
    } else if (kind === 'gpool_block') {
      const name = r.token('block name');
      const preNorm = readNorm(r);
      const preActivation = readActivation(r, version);
      const regularConv = readConv(r);
      const gpoolConv = readConv(r);
      const gpoolNorm = readNorm(r);
      const gpoolActivation = readActivation(r, version);
      const gpoolToBias = readMatMul(r);
      const midNorm = readNorm(r);
      const midActivation = readActivation(r, version);
      const finalConv = readConv(r);
      expectEqual(r, name, 'regular conv input channels', regularConv.inChannels, preNorm.channels);
      expectEqual(r, name, 'gpool conv input channels', gpoolConv.inChannels, preNorm.channels);
      expectEqual(r, name, 'gpool norm channels', gpoolNorm.channels, gpoolConv.outChannels);
      expectEqual(r, name, 'gpool-to-bias input channels', gpoolToBias.inChannels, 3 * gpoolNorm.channels);
      expectEqual(r, name, 'gpool-to-bias output channels', gpoolToBias.outChannels, regularConv.outChannels);
      expectEqual(r, name, 'mid norm channels', midNorm.channels, regularConv.outChannels);
      expectEqual(r, name, 'final conv input channels', finalConv.inChannels, midNorm.channels);
      block = { kind: 'gpool', name, preNorm, preActivation, regularConv, gpoolConv, gpoolNorm, gpoolActivation, gpoolToBias, midNorm, midActivation, finalConv };
      expectEqual(r, name, 'output channels', finalConv.outChannels, channels);
    } else if (kind === 'nested_bottleneck_block') {
      const name = r.token('block name');
      const numBlocks = r.positiveInt(`${name} inner block count`);
      const preNorm = readNorm(r);
      const preActivation = readActivation(r, version);
      const preConv = readConv(r);
      expectEqual(r, name, 'pre conv input channels', preConv.inChannels, preNorm.channels);
      const inner = readBlocks(r, version, numBlocks, preConv.outChannels, name);
      const postNorm = readNorm(r);
      const postActivation = readActivation(r, version);
      const postConv = readConv(r);
      expectEqual(r, name, 'post norm channels', postNorm.channels, preConv.outChannels);
      expectEqual(r, name, 'post conv input channels', postConv.inChannels, postNorm.channels);
      block = { kind: 'nested', name, preNorm, preActivation, preConv, blocks: inner, postNorm, postActivation, postConv };
      expectEqual(r, name, 'output channels', postConv.outChannels, channels);
    } else {
      return r.fail(`${where}: unsupported block kind '${kind}' (expected ordinary_block, gpool_block or nested_bottleneck_block)`);
    }
    expectEqual(r, block.name, 'input channels', block.preNorm.channels, channels);
    blocks.push(block);
  }
  return blocks;
}

function readTrunk(r: ModelReader, version: number): Trunk {
  const name = r.token('trunk name');
  const numBlocks = r.positiveInt('trunk block count');
  const channels = r.positiveInt('trunk channels');
  r.positiveInt('trunk mid channels');
  r.positiveInt('trunk regular channels');
  r.int('trunk dilated channels');
  r.positiveInt('trunk gpool channels');
  if (version >= 15) {
    const normKind = r.int('trunk norm kind');
    if (normKind !== 0) r.fail(`trunk norm kind ${normKind} is not supported (only batch norm)`);
    for (const opt of 'BCDEF') {
      const v = r.int(`trunk option ${opt}`);
      if (v !== 0) r.fail(`unsupported trunk option ${opt} = ${v}`);
    }
  }
  const initialConv = readConv(r);
  expectEqual(r, name, 'initial conv output channels', initialConv.outChannels, channels);
  const initialMatMul = readMatMul(r);
  expectEqual(r, name, 'initial matmul output channels', initialMatMul.outChannels, channels);
  const blocks = readBlocks(r, version, numBlocks, channels, name);
  const tipNorm = readNorm(r);
  expectEqual(r, name, 'tip norm channels', tipNorm.channels, channels);
  const tipActivation = readActivation(r, version);
  return { name, channels, initialConv, initialMatMul, blocks, tipNorm, tipActivation };
}

function readPolicyHead(r: ModelReader, version: number): PolicyHead {
  const name = r.token('policy head name');
  const outChannels = version >= 12 ? 2 : 1;
  const p1Conv = readConv(r);
  const g1Conv = readConv(r);
  const g1Norm = readNorm(r);
  const g1Activation = readActivation(r, version);
  const gpoolToBias = readMatMul(r);
  const p1Norm = readNorm(r);
  const p1Activation = readActivation(r, version);
  const p2Conv = readConv(r);
  const gpoolToPass = readMatMul(r);
  let passBias: BiasLayer | null = null;
  let passActivation: Activation | null = null;
  let gpoolToPass2: MatMulLayer | null = null;
  if (version >= 15) {
    passBias = readBias(r);
    passActivation = readActivation(r, version);
    gpoolToPass2 = readMatMul(r);
  }
  expectEqual(r, name, 'p1 norm channels', p1Norm.channels, p1Conv.outChannels);
  expectEqual(r, name, 'g1 norm channels', g1Norm.channels, g1Conv.outChannels);
  expectEqual(r, name, 'gpool-to-bias input channels', gpoolToBias.inChannels, 3 * g1Norm.channels);
  expectEqual(r, name, 'gpool-to-bias output channels', gpoolToBias.outChannels, p1Norm.channels);
  expectEqual(r, name, 'p2 conv input channels', p2Conv.inChannels, p1Norm.channels);
  expectEqual(r, name, 'p2 conv output channels', p2Conv.outChannels, outChannels);
  expectEqual(r, name, 'gpool-to-pass input channels', gpoolToPass.inChannels, 3 * g1Norm.channels);
  if (gpoolToPass2 && passBias) {
    expectEqual(r, name, 'pass bias channels', passBias.channels, gpoolToPass.outChannels);
    expectEqual(r, name, 'second pass matmul input channels', gpoolToPass2.inChannels, gpoolToPass.outChannels);
    expectEqual(r, name, 'second pass matmul output channels', gpoolToPass2.outChannels, outChannels);
  } else {
    expectEqual(r, name, 'gpool-to-pass output channels', gpoolToPass.outChannels, outChannels);
  }
  return { name, outChannels, p1Conv, g1Conv, g1Norm, g1Activation, gpoolToBias, p1Norm, p1Activation, p2Conv, gpoolToPass, passBias, passActivation, gpoolToPass2 };
}

function readValueHead(r: ModelReader, version: number): ValueHead {
  const name = r.token('value head name');
  const v1Conv = readConv(r);
  const v1Norm = readNorm(r);
  const v1Activation = readActivation(r, version);
  const v2Mul = readMatMul(r);
  const v2Bias = readBias(r);
  const v2Activation = readActivation(r, version);
  const v3Mul = readMatMul(r);
  const v3Bias = readBias(r);
  const sv3Mul = readMatMul(r);
  const sv3Bias = readBias(r);
  const ownershipConv = readConv(r);
  const scoreChannels = version >= 9 ? 6 : 4;
  expectEqual(r, name, 'v1 norm channels', v1Norm.channels, v1Conv.outChannels);
  expectEqual(r, name, 'v2 matmul input channels', v2Mul.inChannels, 3 * v1Norm.channels);
  expectEqual(r, name, 'v2 bias channels', v2Bias.channels, v2Mul.outChannels);
  expectEqual(r, name, 'v3 matmul input channels', v3Mul.inChannels, v2Mul.outChannels);
  expectEqual(r, name, 'v3 matmul output channels', v3Mul.outChannels, 3);
  expectEqual(r, name, 'v3 bias channels', v3Bias.channels, 3);
  expectEqual(r, name, 'score matmul input channels', sv3Mul.inChannels, v2Mul.outChannels);
  expectEqual(r, name, 'score matmul output channels', sv3Mul.outChannels, scoreChannels);
  expectEqual(r, name, 'score bias channels', sv3Bias.channels, scoreChannels);
  expectEqual(r, name, 'ownership conv input channels', ownershipConv.inChannels, v1Conv.outChannels);
  expectEqual(r, name, 'ownership conv output channels', ownershipConv.outChannels, 1);
  return { name, v1Conv, v1Norm, v1Activation, v2Mul, v2Bias, v2Activation, v3Mul, v3Bias, sv3Mul, sv3Bias, ownershipConv };
}

/** Parses decompressed model bytes. `source` names the file in error messages. */
export function parseKataGoModel(bytes: Uint8Array, source = 'model'): KataGoModel {
  const r = new ModelReader(bytes, source);
  const name = r.token('model name');
  const versionToken = r.token('model version');
  if (!/^\d+$/.test(versionToken)) r.fail(`expected the model version after the name, got '${versionToken}' (not a KataGo model?)`);
  const version = Number(versionToken);
  if (version < MIN_MODEL_VERSION || version > MAX_MODEL_VERSION) {
    r.fail(`model version ${version} is not supported (supported: ${MIN_MODEL_VERSION} to ${MAX_MODEL_VERSION})`);
  }
  const numInputChannels = r.positiveInt('number of spatial input channels');
  const numInputGlobalChannels = r.positiveInt('number of global input channels');
  if (numInputChannels !== 22 || numInputGlobalChannels !== 19) {
    r.fail(`expected 22 spatial and 19 global input channels for model version ${version}, got ${numInputChannels} and ${numInputGlobalChannels}`);
  }
  let postProcess = { ...DEFAULT_POST_PROCESS };
  if (version >= 13) {
    const keys: (keyof PostProcessParams)[] = ['tdScoreMultiplier', 'scoreMeanMultiplier', 'scoreStdevMultiplier', 'leadMultiplier', 'varianceTimeMultiplier', 'shorttermValueErrorMultiplier', 'shorttermScoreErrorMultiplier'];
    postProcess = { ...DEFAULT_POST_PROCESS };
    for (const k of keys) {
      const v = r.float(k);
      if (!(v > 0)) r.fail(`${k} must be positive, got ${v}`);
      postProcess[k] = v;
    }
  }
  if (version >= 15) {
    const metaEncoderVersion = r.int('metadata encoder version');
    if (metaEncoderVersion !== 0) r.fail(`SGF-metadata encoder version ${metaEncoderVersion} (human-style nets) is not supported`);
    const preferPassAlive = r.int('preferPassAliveUnderSuicideRules');
    if (preferPassAlive !== 0) r.fail('models preferring pass-alive areas under suicide rules are not supported');
    for (const opt of 'CDEFGH') {
      const v = r.int(`model option ${opt}`);
      if (v !== 0) r.fail(`unsupported model option ${opt} = ${v}`);
    }
  }
  const trunk = readTrunk(r, version);
  const policyHead = readPolicyHead(r, version);
  const valueHead = readValueHead(r, version);
  expectEqual(r, name, 'initial conv input channels', trunk.initialConv.inChannels, numInputChannels);
  expectEqual(r, name, 'initial matmul input channels', trunk.initialMatMul.inChannels, numInputGlobalChannels);
  expectEqual(r, name, 'policy head input channels', policyHead.p1Conv.inChannels, trunk.channels);
  expectEqual(r, name, 'policy head gpool input channels', policyHead.g1Conv.inChannels, trunk.channels);
  expectEqual(r, name, 'value head input channels', valueHead.v1Conv.inChannels, trunk.channels);
  if (!r.atEnd()) r.fail('unexpected data after the value head');
  return { name, version, numInputChannels, numInputGlobalChannels, postProcess, trunk, policyHead, valueHead };
}

/** Loads a `.bin.gz` (gzip) or `.bin` KataGo model file. */
export function loadKataGoModel(path: string): KataGoModel {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read KataGo model ${path}: ${(e as Error).message}`);
  }
  let bytes: Uint8Array = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new Error(`KataGo model ${path}: gzip data is corrupt or truncated (${(e as Error).message})`);
    }
  } else if (path.endsWith('.gz')) {
    throw new Error(`KataGo model ${path}: name ends in .gz but the file is not gzip data`);
  }
  return parseKataGoModel(bytes, path);
}
