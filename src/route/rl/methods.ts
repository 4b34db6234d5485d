// The methods compared: gradient routing and its baselines, each as a policy architecture, the
// reward it trains on, and whether routing masks or a filter apply.
import type { PolicyKind } from './policy.js';
import type { RewardKind } from './returns.js';

export const METHODS = ['routing', 'naive', 'filter', 'oracle', 'no-route'] as const;
export type MethodName = (typeof METHODS)[number];

export interface MethodSpec {
  name: MethodName;
  description: string;
  policy: PolicyKind;
  reward: RewardKind;
  route: boolean;
  filter: boolean;
  /** The oracle trains for updates x oversight (the same number of labelled episodes, roughly). */
  updatesScaledByOversight: boolean;
}

export const METHOD_SPECS: Record<MethodName, MethodSpec> = {
  routing: {
    name: 'routing',
    description: 'diamond and ghost experts mixed by a gate; overseen diamond (ghost) episodes update only the diamond (ghost) expert; proxy reward; deployed: diamond expert alone',
    policy: 'experts',
    reward: 'proxy',
    route: true,
    filter: false,
    updatesScaledByOversight: false,
  },
  naive: {
    name: 'naive',
    description: 'one policy; proxy reward with -2 for reaching the ghost when overseen',
    policy: 'single',
    reward: 'naive',
    route: false,
    filter: false,
    updatesScaledByOversight: false,
  },
  filter: {
    name: 'filter',
    description: 'one policy trained only on episodes whose reward is known (overseen terminal, or no terminal reached), with the true reward',
    policy: 'single',
    reward: 'true',
    route: false,
    filter: true,
    updatesScaledByOversight: false,
  },
  oracle: {
    name: 'oracle',
    description: 'one policy on the true reward for every episode, for updates x oversight updates',
    policy: 'single',
    reward: 'true',
    route: false,
    filter: false,
    updatesScaledByOversight: true,
  },
  'no-route': {
    name: 'no-route',
    description: 'the routing architecture and losses (gate loss included) without routing masks; deployed: diamond expert alone',
    policy: 'experts',
    reward: 'proxy',
    route: false,
    filter: false,
    updatesScaledByOversight: false,
  },
};

/** Parses "routing,naive,..." into method names; unknown names are an error listing the known ones. */
export function parseMethods(list: string): MethodName[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new Error(`--methods: no method named; choose from ${METHODS.join(', ')}`);
  const unknown = names.filter((n) => !(METHODS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`--methods: unknown method${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; choose from ${METHODS.join(', ')}`);
  return [...new Set(names)] as MethodName[];
}

/** Number of updates a method runs when the others run `updates`. */
export function methodUpdates(spec: MethodSpec, updates: number, oversight: number): number {
  return spec.updatesScaledByOversight ? Math.max(1, Math.round(updates * oversight)) : updates;
}
