// The optimizer base: a list of named variables, per-parameter-group options chosen by a
// predicate on the name (e.g. no weight decay on biases and norm gains), a learning rate set by
// the caller (from a schedule) each step, per-parameter state, and checkpoint state.
// Updates are fused loops over Float32Arrays: one pass per parameter instead of a dozen tfjs
// elementwise kernels (each a full pass with its own allocation), which made the optimizer the
// slowest part of a training step. State (momentum, moments) lives in Float32Arrays too.
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
import type { NamedGrads } from '../grads.js';

/** Options every optimizer has; subclasses add their own. */
export interface BaseOptions {
  weightDecay: number;
  /** Multiplies the optimizer's learning rate for this group (default 1). */
  lrScale: number;
}

export interface ParamGroup<O> {
  /** Selects the parameters of this group; the first matching group wins. */
  match: (name: string, param: Variable) => boolean;
  options: Partial<O>;
}

/** Parameters of rank < 2 (biases, LayerNorm and BatchNorm gains): the usual no-decay set. */
export function isBiasOrNormParam(_name: string, param: Variable): boolean {
  return param.rank < 2;
}

/** What an optimizer saves in a checkpoint: state tensors by name plus JSON-safe data. */
export interface OptimizerState {
  tensors: Record<string, Tensor>;
  json: { type: string; lr: number; steps: Record<string, number> };
}

export interface Slot<O> {
  name: string;
  param: Variable;
  options: O;
}

export abstract class Optimizer<O extends BaseOptions> {
  /** The base learning rate; set it from a schedule before each step. */
  lr: number;
  protected readonly slots: Slot<O>[];
  private readonly slotByName = new Map<string, Slot<O>>();
  /** Per-parameter state, by state key then parameter name (e.g. exp_avg -> weight). */
  protected readonly state = new Map<string, Map<string, Float32Array>>();
  /** Number of updates applied to each parameter. */
  protected readonly steps = new Map<string, number>();

  protected constructor(
    readonly type: string,
    params: [string, Variable][],
    lr: number,
    defaults: O,
    groups: ParamGroup<O>[],
    private readonly stateKeys: string[],
  ) {
    checkLr(type, lr);
    this.lr = lr;
    this.slots = params.map(([name, param]) => {
      if (this.slotByName.has(name)) throw new Error(`${type}: parameter name "${name}" appears twice`);
      const group = groups.find((g) => g.match(name, param));
      const slot = { name, param, options: { ...defaults, ...(group?.options ?? {}) } };
      this.validateOptions(slot.options, name);
      this.slotByName.set(name, slot);
      return slot;
    });
    for (const k of stateKeys) this.state.set(k, new Map());
  }

  /** Throws a clear error when an option value is out of range. */
  protected abstract validateOptions(options: O, paramName: string): void;

  /**
   * Writes one parameter's new value into `out` from its current value `p` and gradient `g`
   * (both read-only), updating its state arrays in place. `step` counts from 1.
   */
  protected abstract update(slot: Slot<O>, p: Float32Array, g: Float32Array, out: Float32Array, lr: number, step: number): void;

  /** The parameters this optimizer updates, with their names. */
  namedParameters(): [string, Variable][] {
    return this.slots.map((s) => [s.name, s.param]);
  }

  /** The options in effect for a parameter (after group overrides). */
  optionsFor(name: string): Readonly<O> {
    const slot = this.slotByName.get(name);
    if (!slot) throw new Error(`${this.type}: no parameter named "${name}"`);
    return slot.options;
  }

  /** A parameter's state array for `key`, or undefined before its first update. */
  protected getStateArray(key: string, name: string): Float32Array | undefined {
    return this.state.get(key)!.get(name);
  }

  /** A parameter's state array for `key`, created zero-filled on first use. */
  protected stateArray(key: string, slot: Slot<O>): Float32Array {
    const map = this.state.get(key)!;
    let a = map.get(slot.name);
    if (!a) {
      a = new Float32Array(slot.param.size);
      map.set(slot.name, a);
    }
    return a;
  }

  /**
   * Applies one update using `grads` (by parameter name). Parameters without a gradient, or frozen
   * ones, are left alone, as PyTorch does for parameters whose grad is None. The caller keeps
   * ownership of `grads`.
   */
  step(grads: NamedGrads): void {
    checkLr(this.type, this.lr);
    for (const name of Object.keys(grads)) {
      if (!this.slotByName.has(name)) throw new Error(`${this.type}.step: gradient for unknown parameter "${name}"`);
    }
    for (const slot of this.slots) {
      const grad = grads[slot.name];
      if (!grad || !slot.param.trainable) continue;
      if (!tf.util.arraysEqual(grad.shape, slot.param.shape)) {
        throw new Error(`${this.type}.step: gradient for "${slot.name}" has shape [${grad.shape.join(', ')}], parameter has [${slot.param.shape.join(', ')}]`);
      }
      if (grad.dtype !== 'float32' || slot.param.dtype !== 'float32') {
        throw new Error(`${this.type}.step: "${slot.name}" must be float32 (parameter ${slot.param.dtype}, gradient ${grad.dtype})`);
      }
      const step = (this.steps.get(slot.name) ?? 0) + 1;
      this.steps.set(slot.name, step);
      const out = new Float32Array(slot.param.size);
      this.update(slot, slot.param.dataSync() as Float32Array, grad.dataSync() as Float32Array, out, this.lr * slot.options.lrScale, step);
      const next = tf.tensor(out, slot.param.shape, 'float32');
      slot.param.assign(next);
      next.dispose();
    }
  }

  /**
   * State tensors (named `<key>.<param>`) and JSON data for a checkpoint. The tensors are new
   * copies: the caller owns them and must dispose them.
   */
  getState(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    for (const [key, map] of this.state) {
      for (const [name, a] of map) tensors[`${key}.${name}`] = tf.tensor(a.slice(), this.slotByName.get(name)!.param.shape, 'float32');
    }
    return { tensors, json: { type: this.type, lr: this.lr, steps: Object.fromEntries(this.steps) } };
  }

  /** Restores state saved by getState; checks types, names and shapes first. The caller keeps its tensors. */
  setState(state: OptimizerState): void {
    const { tensors, json } = state;
    if (!json || json.type !== this.type) throw new Error(`${this.type}.setState: state is for optimizer "${json?.type}", not "${this.type}"`);
    checkLr(this.type, json.lr);
    const problems: string[] = [];
    const parsed: [string, string, Tensor][] = [];
    for (const [full, t] of Object.entries(tensors)) {
      const dot = full.indexOf('.');
      const key = full.slice(0, dot);
      const name = full.slice(dot + 1);
      const slot = this.slotByName.get(name);
      if (dot < 0 || !this.stateKeys.includes(key) || !slot) problems.push(`unexpected state tensor "${full}"`);
      else if (!tf.util.arraysEqual(t.shape, slot.param.shape)) problems.push(`"${full}" has shape [${t.shape.join(', ')}], parameter has [${slot.param.shape.join(', ')}]`);
      else if (t.dtype !== 'float32') problems.push(`"${full}" has dtype ${t.dtype}, expected float32`);
      else parsed.push([key, name, t]);
    }
    for (const [name, n] of Object.entries(json.steps ?? {})) {
      if (!this.slotByName.has(name)) problems.push(`step count for unknown parameter "${name}"`);
      else if (!Number.isInteger(n) || n < 0) problems.push(`step count for "${name}" must be a non-negative integer, got ${n}`);
    }
    if (problems.length) throw new Error(`${this.type}.setState: ${problems.join('; ')}`);
    for (const map of this.state.values()) map.clear();
    for (const [key, name, t] of parsed) this.state.get(key)!.set(name, Float32Array.from(t.dataSync() as Float32Array));
    this.steps.clear();
    for (const [name, n] of Object.entries(json.steps ?? {})) this.steps.set(name, n);
    this.lr = json.lr;
  }

  /** Drops all state (the parameters are untouched). */
  dispose(): void {
    for (const map of this.state.values()) map.clear();
    this.steps.clear();
  }
}

function checkLr(type: string, lr: number): void {
  if (!Number.isFinite(lr) || lr < 0) throw new Error(`${type}: learning rate must be a finite number >= 0, got ${lr}`);
}

export function checkRange(type: string, field: string, paramName: string, value: number, lo: number, hi: number, hiInclusive = false): void {
  const ok = Number.isFinite(value) && value >= lo && (hiInclusive ? value <= hi : value < hi);
  if (!ok) throw new Error(`${type}: ${field} for "${paramName}" must be in [${lo}, ${hi}${hiInclusive ? ']' : ')'}, got ${value}`);
}
