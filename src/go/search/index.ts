// KataGo-style MCTS: parameters, tree, selection (PUCT + FPU), backup, results, noise, pass handling.
export { MctsSearch, type SearchOptions, type SearchResult } from './search.js';
export { defaultSearchParams, kataGoGtpTemperatures, PASSING_BEHAVIORS, type PassingBehavior, type SearchParams } from './params.js';
export { SearchNode, NodeStats, type LeafValue } from './node.js';
export { rootMoveFilter } from './pass-handling.js';
export { type MoveInfo, chooseMove, chosenMoveTemperature, principalVariation } from './results.js';
