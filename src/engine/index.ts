export { tf } from './tfjs.js';
export type { Tensor, Rank, Variable, NamedTensorMap, DataType } from './tfjs.js';
export { initBackend, backendInfo, BACKEND_NAMES } from './backend.js';
export type { BackendName, BackendInfo } from './backend.js';
export { Rng, hashString } from './rng.js';
export type { RngState } from './rng.js';
