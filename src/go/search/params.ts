// Search parameters with the defaults KataGo's GTP engine uses (cpp/program/setup.cpp, KataGo v1.x), for
// the parts of KataGo's search implemented here. Values are from KataGo's source; what is not
// implemented (uncertainty weighting, noise pruning, graph search, LCB move selection, subtree value
// bias, symmetry averaging at the root) is listed in src/go/search/README.md.

/** KataGo-custom's passing behaviours implemented here (the go_attack fork's `passingBehavior`). */
export type PassingBehavior =
  /** Plain MCTS decides when passing makes sense. */
  | 'standard'
  /** At the root, never play in own pass-alive territory, and pass only when no other legal move remains. */
  | 'avoid-pass-alive-territory'
  /** At the root, never pass when that would let the opponent win by passing (Tromp-Taylor score of the board). */
  | 'no-suicide'
  /** Both of the above. */
  | 'avoid-pass-alive-territory+no-suicide';

export const PASSING_BEHAVIORS: readonly PassingBehavior[] = ['standard', 'avoid-pass-alive-territory', 'no-suicide', 'avoid-pass-alive-territory+no-suicide'];

export interface SearchParams {
  winLossUtilityFactor: number;
  staticScoreUtilityFactor: number;
  dynamicScoreUtilityFactor: number;
  dynamicScoreCenterZeroWeight: number;
  dynamicScoreCenterScale: number;
  noResultUtilityForWhite: number;
  cpuctExploration: number;
  cpuctExplorationLog: number;
  cpuctExplorationBase: number;
  cpuctUtilityStdevPrior: number;
  cpuctUtilityStdevPriorWeight: number;
  cpuctUtilityStdevScale: number;
  fpuReductionMax: number;
  rootFpuReductionMax: number;
  fpuLossProp: number;
  rootFpuLossProp: number;
  /** FPU base blends parent average and parent NN utility by visited policy mass^pow (KataGo GTP default on). */
  fpuParentWeightByVisitedPolicy: boolean;
  fpuParentWeightByVisitedPolicyPow: number;
  rootNoiseEnabled: boolean;
  rootDirichletNoiseTotalConcentration: number;
  rootDirichletNoiseWeight: number;
  /** Virtual losses one in-flight leaf adds to each node on its path (KataGo numVirtualLossesPerThread). */
  numVirtualLossesPerThread: number;
  /** Final move choice: visits^(1/T); 0 = most visits. Early temperature decays to it with the half-life in turns (19x19-scaled). */
  chosenMoveTemperature: number;
  chosenMoveTemperatureEarly: number;
  chosenMoveTemperatureHalflife: number;
  /** Moves with fewer visits than this are not chosen (unless nothing else has visits). */
  chosenMovePrune: number;
  /** Root visits to reach, counting visits kept from tree reuse (KataGo maxVisits). */
  maxVisits: number;
  /** Leaves collected per network batch ("search threads": leaves in flight at once, separated by virtual loss). */
  numThreads: number;
  passingBehavior: PassingBehavior;
  /** Keep the subtree of the played moves between searches. */
  treeReuse: boolean;
}

/**
 * KataGo's GTP defaults, except chosenMoveTemperature*: KataGo's GTP engine samples with temperature
 * 0.1 (0.5 early); here the default is 0 (most visits, deterministic) and `kataGoGtpTemperatures`
 * gives KataGo's values.
 */
export function defaultSearchParams(overrides: Partial<SearchParams> = {}): SearchParams {
  const rootNoise = overrides.rootNoiseEnabled ?? false;
  const p: SearchParams = {
    winLossUtilityFactor: 1.0,
    staticScoreUtilityFactor: 0.1,
    dynamicScoreUtilityFactor: 0.3,
    dynamicScoreCenterZeroWeight: 0.2,
    dynamicScoreCenterScale: 0.75,
    noResultUtilityForWhite: 0.0,
    cpuctExploration: 1.0,
    cpuctExplorationLog: 0.45,
    cpuctExplorationBase: 500,
    cpuctUtilityStdevPrior: 0.4,
    cpuctUtilityStdevPriorWeight: 2.0,
    cpuctUtilityStdevScale: 0.85,
    fpuReductionMax: 0.2,
    rootFpuReductionMax: rootNoise ? 0.0 : 0.1,
    fpuLossProp: 0.0,
    rootFpuLossProp: overrides.fpuLossProp ?? 0.0,
    fpuParentWeightByVisitedPolicy: true,
    fpuParentWeightByVisitedPolicyPow: 2.0,
    rootNoiseEnabled: rootNoise,
    rootDirichletNoiseTotalConcentration: 10.83,
    rootDirichletNoiseWeight: 0.25,
    numVirtualLossesPerThread: 3,
    chosenMoveTemperature: 0,
    chosenMoveTemperatureEarly: 0,
    chosenMoveTemperatureHalflife: 19,
    chosenMovePrune: 1,
    maxVisits: 64,
    numThreads: 1,
    passingBehavior: 'standard',
    treeReuse: true,
  };
  Object.assign(p, overrides);
  checkSearchParams(p);
  return p;
}

/** KataGo's GTP move-choice temperatures (chosenMoveTemperature 0.1, early 0.5, half-life 19). */
export const kataGoGtpTemperatures: Partial<SearchParams> = { chosenMoveTemperature: 0.1, chosenMoveTemperatureEarly: 0.5, chosenMoveTemperatureHalflife: 19 };

export function checkSearchParams(p: SearchParams): void {
  if (!Number.isInteger(p.maxVisits) || p.maxVisits < 1) throw new Error(`search: maxVisits must be an integer >= 1, got ${p.maxVisits}`);
  if (!Number.isInteger(p.numThreads) || p.numThreads < 1) throw new Error(`search: numThreads must be an integer >= 1, got ${p.numThreads}`);
  if (!PASSING_BEHAVIORS.includes(p.passingBehavior)) throw new Error(`search: passingBehavior must be one of ${PASSING_BEHAVIORS.join(', ')}, got '${p.passingBehavior}'`);
  for (const k of ['chosenMoveTemperature', 'chosenMoveTemperatureEarly', 'rootDirichletNoiseWeight', 'fpuReductionMax', 'rootFpuReductionMax'] as const) {
    if (!(p[k] >= 0)) throw new Error(`search: ${k} must be >= 0, got ${p[k]}`);
  }
}
