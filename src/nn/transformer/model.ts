// HookedTransformer: a decoder-only transformer (GPT-2 style pre-LayerNorm, or attention-only,
// learned or rotary positions) whose every activation has a TransformerLens hook name.
// Three ways to run it: forward (plain logits), runWithCache (logits + chosen activations),
// runWithHooks (forward/backward hooks that read or replace activations and gradients), plus
// gradWrtActivations for d(scalar)/d(activation). Persistent hooks (addHooks) also apply to
// plain forward calls, e.g. inside a training loop that routes gradients.
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
import { Rng } from '../../engine/rng.js';
import { Module, ModuleList } from '../module.js';
import { zeros } from '../init.js';
import { makeConfig, type TransformerConfig, type TransformerConfigInput } from './config.js';
import { HookedLayerNorm, TransformerBlock, embeddingLookup, hookNamesFor, weightInit, type BlockInputs, type ParamInit } from './components.js';
import { HookRun, type CacheSpec, type HookSpec } from './hooks.js';
import type { KvCache } from './kv-cache.js';

/** Token ids [batch][pos] (rectangular), or an int32 tensor [batch, pos]. */
export type TokenInput = readonly (readonly number[])[] | Tensor;

export interface ForwardOptions {
  /** Hooks for this call only (in addition to the persistent ones). */
  hooks?: HookSpec | readonly HookSpec[];
  cache?: CacheSpec;
  /**
   * Padding mask [batch][pos]: 1 for real tokens, 0 for padding. Padding keys are hidden from
   * every other query; positions count real tokens only (so left padding leaves the learned
   * position of each real token unchanged), as TransformerLens does.
   */
  attentionMask?: readonly (readonly number[])[];
  /** Past keys and values; the tokens given continue those sequences, and their keys/values are appended. */
  kv?: KvCache;
}

export interface CacheResult {
  logits: Tensor;
  cache: Map<string, Tensor>;
}

class Embed extends Module {
  readonly W_E: Variable;
  constructor(cfg: TransformerConfig, rng: Rng, init: ParamInit) {
    super();
    this.W_E = this.registerParameter('W_E', init(rng, [cfg.dVocab, cfg.dModel]));
  }
}

class PosEmbed extends Module {
  readonly W_pos: Variable;
  constructor(cfg: TransformerConfig, rng: Rng, init: ParamInit) {
    super();
    this.W_pos = this.registerParameter('W_pos', init(rng, [cfg.nCtx, cfg.dModel]));
  }
}

class Unembed extends Module {
  readonly W_U: Variable | null;
  readonly b_U: Variable | null;
  constructor(cfg: TransformerConfig, rng: Rng, init: ParamInit) {
    super();
    this.W_U = cfg.tiedEmbeddings ? null : this.registerParameter('W_U', init(rng, [cfg.dModel, cfg.dVocab]));
    this.b_U = cfg.unembedBias ? this.registerParameter('b_U', zeros([cfg.dVocab])) : null;
  }
}

interface CheckedTokens {
  ids: Int32Array;
  batch: number;
  seq: number;
}

export class HookedTransformer extends Module {
  readonly cfg: TransformerConfig;
  readonly embed: Embed;
  readonly posEmbed: PosEmbed | null;
  readonly blocks: ModuleList<TransformerBlock>;
  readonly lnFinal: HookedLayerNorm;
  readonly unembed: Unembed;
  private readonly hookNameList: string[];
  private readonly hookNameSet: Set<string>;
  private persistent: HookSpec[] = [];

  /**
   * A randomly initialised model (weight matrices ~ N(0, initStd) from the seed, biases 0,
   * LayerNorm weights 1); with `zeroInit`, weight matrices start at zero (for loading weights).
   */
  constructor(config: TransformerConfigInput | TransformerConfig, options: { seed?: number; rng?: Rng; zeroInit?: boolean } = {}) {
    super();
    this.cfg = makeConfig(config);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const init = weightInit(this.cfg, !options.zeroInit);
    this.embed = this.registerModule('embed', new Embed(this.cfg, rng.fork('embed'), init));
    this.posEmbed = this.cfg.positionalEmbeddingType === 'standard' ? this.registerModule('pos_embed', new PosEmbed(this.cfg, rng.fork('pos_embed'), init)) : null;
    this.blocks = this.registerModule('blocks', new ModuleList<TransformerBlock>());
    for (let L = 0; L < this.cfg.nLayers; L++) this.blocks.push(new TransformerBlock(this.cfg, L, rng.fork(`blocks.${L}`), init));
    this.lnFinal = this.registerModule('ln_final', new HookedLayerNorm(this.cfg));
    this.unembed = this.registerModule('unembed', new Unembed(this.cfg, rng.fork('unembed'), init));
    this.hookNameList = hookNamesFor(this.cfg);
    this.hookNameSet = new Set(this.hookNameList);
  }

  /** Every hook point name, in forward order (optionally filtered). */
  hookNames(filter?: (name: string) => boolean): string[] {
    return filter ? this.hookNameList.filter(filter) : [...this.hookNameList];
  }

  /** Adds hooks that apply to every later call until removed; returns a function removing them. */
  addHooks(spec: HookSpec): () => void {
    new HookRun(this.hookNameSet, [spec], null); // validates the names now
    this.persistent.push(spec);
    return () => {
      this.persistent = this.persistent.filter((s) => s !== spec);
    };
  }

  removeAllHooks(): void {
    this.persistent = [];
  }

  /** Logits [batch, pos, vocab]. */
  forward(tokens: TokenInput, options: ForwardOptions = {}): Tensor {
    return this.runInternal(tokens, options).logits;
  }

  /** Logits and the activations named by `cache` (the caller disposes both). */
  runWithCache(tokens: TokenInput, cache: CacheSpec, options: Omit<ForwardOptions, 'cache'> = {}): CacheResult {
    return this.runInternal(tokens, { ...options, cache });
  }

  /** Logits of a run with forward hooks (read/replace activations) and backward hooks (observe/replace gradients). */
  runWithHooks(tokens: TokenInput, hooks: HookSpec | readonly HookSpec[], options: Omit<ForwardOptions, 'hooks'> = {}): Tensor {
    return this.runInternal(tokens, { ...options, hooks }).logits;
  }

  /**
   * The value of `lossFn(logits)` and its gradient with respect to each named activation (same
   * shape as the activation). A hook point visited several times in one pass (ln1 hooks with
   * split inputs) reports its last visit. The caller disposes the gradients.
   */
  gradWrtActivations(
    tokens: TokenInput,
    lossFn: (logits: Tensor) => tf.Scalar,
    names: readonly string[],
    options: Omit<ForwardOptions, 'kv'> = {},
  ): { loss: number; grads: Map<string, Tensor> } {
    const captured = new Map<string, Tensor>();
    const shapes = new Map<string, number[]>();
    const f = (zero: Tensor) => {
      const fwd: HookSpec['fwd'] = {};
      const bwd: HookSpec['bwd'] = {};
      for (const n of names) {
        // Adding a zero that the gradient is taken against puts every named point on the backward path.
        fwd[n] = (a) => {
          shapes.set(n, a.shape);
          return tf.add(a, zero);
        };
        bwd[n] = (g) => {
          captured.get(n)?.dispose();
          captured.set(n, tf.keep(tf.clone(g)));
        };
      }
      const extra = options.hooks === undefined ? [] : Array.isArray(options.hooks) ? options.hooks : [options.hooks as HookSpec];
      return lossFn(this.runInternal(tokens, { ...options, hooks: [...extra, { fwd, bwd }] }).logits);
    };
    const zero = tf.scalar(0);
    const { value, grad } = tf.valueAndGrad(f)(zero);
    const loss = value.dataSync()[0];
    value.dispose();
    grad.dispose();
    zero.dispose();
    for (const n of names) {
      if (!captured.has(n)) captured.set(n, tf.zeros(shapes.get(n) ?? [0]));
    }
    return { loss, grads: captured };
  }

  private checkTokens(tokens: TokenInput, past: number): CheckedTokens {
    let ids: Int32Array;
    let batch: number;
    let seq: number;
    if (tokens instanceof tf.Tensor) {
      if (tokens.rank !== 2 || tokens.dtype !== 'int32') throw new Error(`tokens: expected an int32 tensor [batch, pos], got ${tokens.dtype} [${tokens.shape.join(', ')}]`);
      [batch, seq] = tokens.shape as [number, number];
      ids = tokens.dataSync() as Int32Array;
    } else {
      if (!Array.isArray(tokens) || tokens.length === 0) throw new Error('tokens: expected a non-empty array of sequences');
      batch = tokens.length;
      seq = tokens[0].length;
      ids = new Int32Array(batch * seq);
      tokens.forEach((row, b) => {
        if (!Array.isArray(row) || row.length !== seq) throw new Error(`tokens: sequence ${b} has length ${Array.isArray(row) ? row.length : 'none'}, expected ${seq} (pad to a rectangle and pass attentionMask)`);
        row.forEach((t, p) => {
          ids[b * seq + p] = t;
          if (!Number.isInteger(t)) throw new Error(`tokens: [${b}][${p}] is ${t}, not an integer`);
        });
      });
    }
    if (seq === 0) throw new Error('tokens: sequences are empty');
    const bad: string[] = [];
    for (let i = 0; i < ids.length && bad.length < 10; i++) {
      if (ids[i] < 0 || ids[i] >= this.cfg.dVocab) bad.push(`[${Math.floor(i / seq)}][${i % seq}] = ${ids[i]}`);
    }
    if (bad.length) throw new Error(`tokens: ids out of range [0, ${this.cfg.dVocab}): ${bad.join(', ')}`);
    if (past + seq > this.cfg.nCtx) {
      throw new Error(`tokens: sequence length ${past + seq}${past ? ` (${past} cached + ${seq} new)` : ''} exceeds the model's context n_ctx = ${this.cfg.nCtx}`);
    }
    return { ids, batch, seq };
  }

  /** Positions of each token: 0.. for plain input, counts of real tokens with a padding mask. */
  private positions(batch: number, seq: number, past: number, mask: readonly (readonly number[])[] | undefined): Int32Array {
    const pos = new Int32Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      let count = 0;
      for (let p = 0; p < seq; p++) {
        if (mask) {
          pos[b * seq + p] = Math.max(0, count + mask[b][p] - 1);
          count += mask[b][p];
        } else pos[b * seq + p] = past + p;
      }
    }
    return pos;
  }

  private attentionMaskTensor(batch: number, seq: number, past: number, mask: readonly (readonly number[])[] | undefined): Tensor {
    const keys = past + seq;
    const rows = mask ? batch : 1;
    const data = new Float32Array(rows * seq * keys);
    for (let b = 0; b < rows; b++) {
      for (let q = 0; q < seq; q++) {
        for (let k = 0; k < keys; k++) {
          const causal = k <= past + q;
          // A padding key is hidden, except from its own query (so no row is entirely masked).
          const real = !mask || mask[b][k] === 1 || k === past + q;
          if (!(causal && real)) data[(b * seq + q) * keys + k] = -Infinity;
        }
      }
    }
    return tf.tensor4d(data, [rows, 1, seq, keys]);
  }

  private checkMask(mask: readonly (readonly number[])[], batch: number, seq: number): void {
    if (!Array.isArray(mask) || mask.length !== batch) throw new Error(`attentionMask: expected ${batch} rows, got ${Array.isArray(mask) ? mask.length : typeof mask}`);
    mask.forEach((row, b) => {
      if (!Array.isArray(row) || row.length !== seq) throw new Error(`attentionMask: row ${b} must have length ${seq}`);
      if (row.some((m) => m !== 0 && m !== 1)) throw new Error(`attentionMask: row ${b} must hold only 0 and 1`);
    });
  }

  private rotaryTables(positions: Int32Array, rows: number, seq: number): { cos: Tensor; sin: Tensor } {
    const r = this.cfg.rotaryDim;
    const half = r / 2;
    const cos = new Float32Array(rows * seq * r);
    const sin = new Float32Array(rows * seq * r);
    for (let i = 0; i < rows * seq; i++) {
      for (let j = 0; j < half; j++) {
        const angle = positions[i] * this.cfg.rotaryBase ** (-(2 * j) / r);
        cos[i * r + j] = cos[i * r + j + half] = Math.cos(angle);
        sin[i * r + j] = sin[i * r + j + half] = Math.sin(angle);
      }
    }
    return { cos: tf.tensor4d(cos, [rows, seq, 1, r]), sin: tf.tensor4d(sin, [rows, seq, 1, r]) };
  }

  private runInternal(tokens: TokenInput, options: ForwardOptions): CacheResult {
    const kv = options.kv ?? null;
    const past = kv?.length ?? 0;
    const { ids, batch, seq } = this.checkTokens(tokens, past);
    const mask = options.attentionMask;
    if (mask) {
      if (kv) throw new Error('attentionMask cannot be combined with a KV cache');
      this.checkMask(mask, batch, seq);
    }
    if (kv && kv.batch !== null && kv.batch !== batch) throw new Error(`KV cache holds batch ${kv.batch}, tokens have batch ${batch}`);
    return this.inRun(options, (run) => {
      const { cfg } = this;
      const d = cfg.dModel;
      const positions = this.positions(batch, seq, past, mask);
      const idTensor = tf.tensor1d(ids, 'int32');
      let resid = run.point('hook_embed', tf.reshape(embeddingLookup(this.embed.W_E, idTensor), [batch, seq, d]));
      if (this.posEmbed) {
        const posEmbed = mask
          ? tf.reshape(embeddingLookup(this.posEmbed.W_pos, tf.tensor1d(positions, 'int32')), [batch, seq, d])
          : tf.broadcastTo(tf.reshape(tf.slice(this.posEmbed.W_pos, [past, 0], [seq, d]), [1, seq, d]), [batch, seq, d]);
        resid = tf.add(resid, run.point('hook_pos_embed', posEmbed));
      }
      const io: BlockInputs = {
        run,
        mask: this.attentionMaskTensor(batch, seq, past, mask),
        rotary: cfg.positionalEmbeddingType === 'rotary' ? this.rotaryTables(positions, mask ? batch : 1, seq) : null,
        kv,
      };
      return this.blocksAndUnembed(resid, io, 0);
    });
  }

  /**
   * Logits of the blocks from `layer` on (then ln_final and the unembedding), given their input
   * residual stream [batch, pos, d_model], as TransformerLens's `start_at_layer`: the embeddings
   * and earlier blocks are skipped, and so are their hooks. Positions are 0..pos-1,
   * without padding or a KV cache. `layer` = nLayers runs ln_final and the unembedding only.
   */
  runFromLayer(layer: number, residPre: Tensor, options: { hooks?: HookSpec | readonly HookSpec[]; cache?: CacheSpec } = {}): CacheResult {
    const { nLayers, dModel, nCtx } = this.cfg;
    if (!Number.isInteger(layer) || layer < 0 || layer > nLayers) throw new Error(`runFromLayer: layer must be an integer in [0, ${nLayers}], got ${layer}`);
    if (residPre.rank !== 3 || residPre.shape[2] !== dModel) throw new Error(`runFromLayer: the residual stream must be [batch, pos, ${dModel}], got [${residPre.shape.join(', ')}]`);
    const [batch, seq] = residPre.shape as [number, number, number];
    if (seq > nCtx) throw new Error(`runFromLayer: sequence length ${seq} exceeds the model's context n_ctx = ${nCtx}`);
    return this.inRun(options, (run) => {
      const positions = this.positions(batch, seq, 0, undefined);
      const io: BlockInputs = {
        run,
        mask: this.attentionMaskTensor(batch, seq, 0, undefined),
        rotary: this.cfg.positionalEmbeddingType === 'rotary' ? this.rotaryTables(positions, 1, seq) : null,
        kv: null,
      };
      return this.blocksAndUnembed(residPre, io, layer);
    });
  }

  /**
   * Logits from `body` (run in tf.tidy) under a HookRun of the persistent and given hooks: on an
   * error the cache is disposed; tensors hooks stored are released either way.
   */
  private inRun(options: { hooks?: HookSpec | readonly HookSpec[]; cache?: CacheSpec }, body: (run: HookRun) => Tensor): CacheResult {
    const extra = options.hooks === undefined ? [] : Array.isArray(options.hooks) ? options.hooks : [options.hooks as HookSpec];
    const run = new HookRun(this.hookNameSet, [...this.persistent, ...extra], options.cache ?? null);
    try {
      const logits = tf.tidy(() => body(run));
      return { logits, cache: run.cache };
    } catch (e) {
      run.disposeCache();
      throw e;
    } finally {
      run.releaseStored();
    }
  }

  /** Blocks `from`.. on the residual stream, then ln_final and the unembedding: logits [batch, pos, vocab]. */
  private blocksAndUnembed(residIn: Tensor, io: BlockInputs, from: number): Tensor {
    const { run } = io;
    const [batch, seq, d] = residIn.shape as [number, number, number];
    let resid = residIn;
    for (const block of this.blocks.items.slice(from)) {
      // Each block's intermediates are freed as soon as it is done (under a gradient tape
      // tfjs keeps what backprop needs); tensors a hook put in ctx.store are kept for later
      // blocks until they leave the store or the pass ends.
      const input = resid;
      resid = tf.tidy(() => {
        const out = block.forward(input, io);
        run.keepStored();
        return out;
      });
    }
    const final = this.lnFinal.forward(resid, run, 'ln_final');
    const flat = tf.reshape(final, [batch * seq, d]);
    let out = this.unembed.W_U ? tf.matMul(flat, this.unembed.W_U) : tf.matMul(flat, this.embed.W_E, false, true);
    if (this.unembed.b_U) out = tf.add(out, this.unembed.b_U);
    return tf.reshape(out, [batch, seq, this.cfg.dVocab]);
  }
}
