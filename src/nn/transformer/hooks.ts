// Hook points: every named activation of a model passes through `HookRun.point(name, act)`.
// A forward hook may read the activation or return a replacement (same shape); a backward hook
// sees the gradient flowing into the activation and may return a replacement gradient; a cache
// keeps the (possibly replaced) activation. Gradient routing (mask*a + (1-mask)*stopGradient(a))
// and edge patching (a + mask*(patch - current)) are forward hooks; the model has no special
// cases for them. Model code never changes to support a new kind of hook.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';

export interface HookContext {
  /** The hook point's full name, e.g. `blocks.3.attn.hook_pattern`. */
  name: string;
  /** The block index for names under `blocks.{L}.`, otherwise null. */
  layer: number | null;
  /**
   * Shared by every hook of one forward pass (e.g. to stash source activations for later
   * destinations). The model frees each block's intermediates when the block is done; a tensor
   * in the store lives on until it is replaced or removed (then it is freed at the end of the
   * block) or the pass ends. Keep anything needed after the pass with tf.keep/clone yourself,
   * and store a clone of a tensor that also flows on as an activation.
   */
  store: Map<string, unknown>;
}

/** Returns a replacement activation (same shape and dtype) or nothing to leave it unchanged. */
export type ForwardHook = (act: Tensor, ctx: HookContext) => Tensor | void;
/** Receives dLoss/dActivation; returns a replacement gradient (same shape) or nothing to leave it. */
export type BackwardHook = (grad: Tensor, ctx: HookContext) => Tensor | void;

export type HookTable<F> = Record<string, F | F[]>;

export interface HookSpec {
  fwd?: HookTable<ForwardHook>;
  bwd?: HookTable<BackwardHook>;
}

export interface CacheSpec {
  /** Hook names to cache. */
  names?: readonly string[];
  /** Or a predicate over hook names (combined with `names` by union). */
  filter?: (name: string) => boolean;
}

const LAYER_RE = /^blocks\.(\d+)\./;

export function layerOfHook(name: string): number | null {
  const m = LAYER_RE.exec(name);
  return m ? Number(m[1]) : null;
}

function asList<F>(x: F | F[] | undefined): F[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x : [x];
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The valid names, abbreviated: names outside blocks, block 0's names as the pattern, and the layer count. */
export function describeHookNames(validNames: ReadonlySet<string>): string {
  const names = [...validNames];
  const layers = new Set(names.map(layerOfHook).filter((l) => l !== null)).size;
  const shown = names.filter((n) => layerOfHook(n) === null || layerOfHook(n) === 0);
  const pattern = shown.map((n) => n.replace(/^blocks\.0\./, 'blocks.{L}.'));
  return `valid hook points${layers ? ` (L = 0..${layers - 1})` : ''}: ${pattern.join(', ')}`;
}

/** Hook state of one forward pass: which hooks run, and the cache being filled. */
export class HookRun {
  readonly store = new Map<string, unknown>();
  /** Activations kept for the caller, by hook name (they outlive the pass's tidy scopes). */
  readonly cache = new Map<string, Tensor>();
  /** Tensors from the store kept alive across blocks (see keepStored). */
  private readonly kept = new Set<Tensor>();
  private readonly fwd = new Map<string, ForwardHook[]>();
  private readonly bwd = new Map<string, BackwardHook[]>();
  private readonly cacheNames: Set<string>;
  private readonly cacheFilter: ((name: string) => boolean) | null;

  /**
   * `validNames` lists the model's hook points; hooks or cache names outside it are one error
   * listing every unknown name.
   */
  constructor(validNames: ReadonlySet<string>, specs: readonly HookSpec[], cache: CacheSpec | null) {
    const unknown: string[] = [];
    for (const spec of specs) {
      for (const [name, fns] of Object.entries(spec.fwd ?? {})) {
        if (!validNames.has(name)) unknown.push(name);
        this.fwd.set(name, [...(this.fwd.get(name) ?? []), ...asList(fns)]);
      }
      for (const [name, fns] of Object.entries(spec.bwd ?? {})) {
        if (!validNames.has(name)) unknown.push(name);
        this.bwd.set(name, [...(this.bwd.get(name) ?? []), ...asList(fns)]);
      }
    }
    this.cacheNames = new Set(cache?.names ?? []);
    for (const n of this.cacheNames) if (!validNames.has(n)) unknown.push(n);
    if (unknown.length) throw new Error(`unknown hook point(s): ${[...new Set(unknown)].join(', ')}; ${describeHookNames(validNames)}`);
    this.cacheFilter = cache?.filter ?? null;
  }

  /**
   * True when a hook or an explicitly named cache entry is attached at `name`; the model computes
   * optional activations (per-head results, split inputs) only then or when its config asks.
   * A cache filter alone does not count: it caches what the run computes anyway.
   */
  wants(name: string): boolean {
    return this.fwd.has(name) || this.bwd.has(name) || this.cacheNames.has(name);
  }

  /** True when anything sees the activation at `name`: a hook, a named cache entry or the cache filter. */
  observes(name: string): boolean {
    return this.wants(name) || (this.cacheFilter?.(name) ?? false);
  }

  /** Passes `act` through the hook point `name`: forward hooks, backward hooks, cache. */
  point(name: string, act: Tensor): Tensor {
    const ctx: HookContext = { name, layer: layerOfHook(name), store: this.store };
    let a = act;
    for (const f of this.fwd.get(name) ?? []) {
      const out = f(a, ctx);
      if (out === undefined) continue;
      if (!tf.util.arraysEqual(out.shape, a.shape) || out.dtype !== a.dtype) {
        throw new Error(`forward hook at ${name} returned ${out.dtype} ${shapeText(out.shape)}; expected ${a.dtype} ${shapeText(a.shape)}`);
      }
      a = out;
    }
    const bwd = this.bwd.get(name);
    if (bwd) a = withBackwardHooks(a, bwd, ctx);
    if (this.cacheNames.has(name) || this.cacheFilter?.(name)) this.cache.set(name, tf.keep(a));
    return a;
  }

  /**
   * Called at the end of each block (inside its tidy scope): keeps the tensors now in the store
   * alive past the block, and frees kept tensors that have left the store.
   */
  keepStored(): void {
    const stored = new Set<Tensor>();
    for (const v of this.store.values()) if (v instanceof tf.Tensor) stored.add(v);
    for (const t of stored) {
      if (!this.kept.has(t)) {
        this.kept.add(tf.keep(t));
      }
    }
    for (const t of this.kept) {
      if (!stored.has(t)) {
        this.kept.delete(t);
        t.dispose();
      }
    }
  }

  /** Frees every tensor kept for the store (at the end of the pass). */
  releaseStored(): void {
    for (const t of this.kept) t.dispose();
    this.kept.clear();
    this.store.clear();
  }

  /** Frees cached activations (for a caller that abandons the run). */
  disposeCache(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
  }
}

/** Identity in the forward pass; the gradient passes through each backward hook in turn. */
function withBackwardHooks(a: Tensor, hooks: BackwardHook[], ctx: HookContext): Tensor {
  const op = tf.customGrad(((x: Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: Tensor) => {
      let g = dy;
      for (const h of hooks) {
        const out = h(g, ctx);
        if (out === undefined) continue;
        if (!tf.util.arraysEqual(out.shape, g.shape)) {
          throw new Error(`backward hook at ${ctx.name} returned a gradient of shape ${shapeText(out.shape)}; expected ${shapeText(g.shape)}`);
        }
        g = out;
      }
      return g;
    },
  })) as never);
  return op(a);
}
