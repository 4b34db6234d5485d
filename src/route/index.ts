// Public surface of gradient routing: primitives, the hook-point interface, routing specs and
// their compiler, parameter-level routing and token weights from frequencies.
export { route, routeBlend, stopGradient, checkMaskBroadcasts, checkMaskFinite } from './primitives.js';
export { applyHook, checkHookNames, combineHooks } from './hooks.js';
export type { HookContext, HookFn, Hooks, HookedModel } from './hooks.js';
export { validateRoutingSpec, parseRoutingSpec, serializeRoutingSpec, globToRegExp } from './spec.js';
export type { RoutingSpec, RoutingRule, RuleMatch, HookTarget, ParamTarget, DimRange, RoutingTargets } from './spec.js';
export { compileRouting } from './compile.js';
export type { CompiledRouting, RoutingBatch, ParamRoutingGroup } from './compile.js';
export { paramRoutedGrads } from './param-routing.js';
export type { GroupLossFn } from './param-routing.js';
export { tokenWeightsFromFrequencies } from './token-weights.js';
export type { TokenWeightOptions } from './token-weights.js';
