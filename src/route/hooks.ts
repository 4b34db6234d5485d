// The hook-point interface routing relies on: a model names points in its forward pass
// (TransformerLens style, e.g. `blocks.0.hook_resid_pre`, `encoder.hook_code`) and runs with
// forward hooks that may replace the activation at any of them. Routing, caching and patching
// are all such hooks, so the model needs no special case for any of them.
import type { Tensor } from '../engine/tfjs.js';

export interface HookContext {
  /** The hook point's name. */
  name: string;
}

/** Returns the replacement activation, or nothing to leave it unchanged. */
export type HookFn = (activation: Tensor, ctx: HookContext) => Tensor | void;

export interface Hooks {
  /** Forward hooks by hook-point name. */
  fwd?: Record<string, HookFn>;
}

/** Any model with named hook points. */
export interface HookedModel<I = Tensor, O = Tensor> {
  /** Every hook point's name, in forward order. */
  hookNames(): string[];
  /** The forward pass with `hooks` applied at their hook points. */
  runWithHooks(input: I, hooks: Hooks): O;
}

/** Throws when `hooks` name a hook point the model lacks, listing the valid names. */
export function checkHookNames(names: Iterable<string>, valid: readonly string[], what = 'hooks'): void {
  const known = new Set(valid);
  const unknown = [...names].filter((n) => !known.has(n));
  if (unknown.length) {
    throw new Error(`${what}: unknown hook point${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; valid hook points: ${valid.join(', ')}`);
  }
}

/** Applies the hook registered for `name`, if any (for models implementing HookedModel). */
export function applyHook(hooks: Hooks | undefined, name: string, activation: Tensor): Tensor {
  const fn = hooks?.fwd?.[name];
  if (!fn) return activation;
  return fn(activation, { name }) ?? activation;
}

/** Several hook sets as one: at each hook point the functions run in the given order. */
export function combineHooks(...sets: Hooks[]): Hooks {
  const fwd: Record<string, HookFn> = {};
  for (const set of sets) {
    for (const [name, fn] of Object.entries(set.fwd ?? {})) {
      const prev = fwd[name];
      fwd[name] = prev ? (a, ctx) => fn(prev(a, ctx) ?? a, ctx) : fn;
    }
  }
  return { fwd };
}
