// The Module base class: owns parameters (trainable tf.Variables), buffers (non-trainable state
// such as BatchNorm running statistics) and child modules, all under hierarchical names
// like `encoder.layers.0.weight`, and moves them in and out of a name -> tensor map.
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';

export interface LoadStateDictOptions {
  /** When true (the default), missing and unexpected names are errors; when false they are ignored. */
  strict?: boolean;
}

const NAME_PART = /^[A-Za-z0-9_]+$/;

export class Module {
  private readonly ownParameters = new Map<string, Variable>();
  private readonly ownBuffers = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();
  /** Training mode (true) or evaluation mode (false); changes BatchNorm and similar layers. */
  training = true;

  /** Registers `value` as a trainable parameter under `name`; the module takes ownership of it. */
  protected registerParameter(name: string, value: Tensor): Variable {
    this.checkNewName(name);
    const v = tf.variable(value, true);
    value.dispose();
    this.ownParameters.set(name, v);
    return v;
  }

  /** Registers `value` as a buffer: saved in the state dict, never trained. Takes ownership. */
  protected registerBuffer(name: string, value: Tensor): Variable {
    this.checkNewName(name);
    const v = tf.variable(value, false);
    value.dispose();
    this.ownBuffers.set(name, v);
    return v;
  }

  /** Registers a child module under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkNewName(name);
    this.children.set(name, module);
    return module;
  }

  private checkNewName(name: string): void {
    if (!NAME_PART.test(name)) throw new Error(`${this.constructor.name}: invalid name "${name}" (letters, digits and _ only)`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: name "${name}" is already registered`);
    }
  }

  /** Child modules with their names, direct children only. */
  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Every parameter of this module and its descendants, with hierarchical names, in registration order. */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [n, p] of this.ownParameters) out.push([prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Variable[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters that are currently trainable (not frozen). */
  namedTrainableParameters(): [string, Variable][] {
    return this.namedParameters().filter(([, p]) => p.trainable);
  }

  /** Every buffer of this module and its descendants, with hierarchical names. */
  namedBuffers(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [n, b] of this.ownBuffers) out.push([prefix + n, b]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** Total number of scalar parameters. */
  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * Parameters and buffers by hierarchical name. The values are the live variables (not copies):
   * read or save them, but do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p;
    for (const [n, b] of this.namedBuffers()) out[n] = b;
    return out;
  }

  /**
   * Copies values from `state` into the parameters and buffers. Checks everything before changing
   * anything: missing or unexpected names (when strict), shape and dtype mismatches are one error
   * listing every problem. The caller keeps ownership of the tensors in `state`.
   */
  loadStateDict(state: Record<string, Tensor>, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    const missing = Object.keys(own).filter((n) => !(n in state));
    const unexpected = Object.keys(state).filter((n) => !(n in own));
    if (strict && missing.length) problems.push(`missing: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected: ${unexpected.join(', ')}`);
    for (const [n, target] of Object.entries(own)) {
      const src = state[n];
      if (src === undefined) continue;
      if (!tf.util.arraysEqual(src.shape, target.shape)) {
        problems.push(`${n}: shape [${src.shape.join(', ')}] does not match the model's [${target.shape.join(', ')}]`);
      } else if (src.dtype !== target.dtype) {
        problems.push(`${n}: dtype ${src.dtype} does not match the model's ${target.dtype}`);
      }
    }
    if (problems.length) throw new Error(`${this.constructor.name}.loadStateDict: ${problems.join('; ')}`);
    for (const [n, target] of Object.entries(own)) {
      const src = state[n];
      // tfjs tensors are immutable, so the variable can share the source's data.
      // (Skip a variable loaded into itself: assign would free its data before re-taking it.)
      if (src !== undefined && src !== target) (target as Variable).assign(src);
    }
  }

  /** Marks every parameter non-trainable: optimizers and gradient helpers skip it. */
  freeze(): this {
    for (const p of this.parameters()) p.trainable = false;
    return this;
  }

  unfreeze(): this {
    for (const p of this.parameters()) p.trainable = true;
    return this;
  }

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const p of this.ownParameters.values()) p.dispose();
    for (const b of this.ownBuffers.values()) b.dispose();
    for (const c of this.children.values()) c.dispose();
    this.ownParameters.clear();
    this.ownBuffers.clear();
    this.children.clear();
  }
}

/** An ordered list of child modules, named `0`, `1`, ... in the state dict. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[] = [];

  constructor(items: M[] = []) {
    super();
    for (const m of items) this.push(m);
  }

  push(module: M): M {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return module;
  }

  get length(): number {
    return this.items.length;
  }
}
