// The registry of circuit-discovery algorithms (one signature, selected by name).
import { nearMatchText } from '../graph.js';
import { acdc } from './acdc.js';
import { edgeActivationPatching } from './activation-patching.js';
import { edgeAttributionPatchingIG } from './eap-ig.js';
import { edgeAttributionPatching } from './eap.js';
import type { DiscoveryAlgorithm } from './types.js';

export const ALGORITHMS: Record<string, DiscoveryAlgorithm> = {
  eap: edgeAttributionPatching,
  'eap-ig': edgeAttributionPatchingIG,
  'activation-patching': edgeActivationPatching,
  acdc,
};

export function algorithmByName(name: string): DiscoveryAlgorithm {
  const a = ALGORITHMS[name];
  if (!a) throw new Error(`unknown discovery algorithm "${name}"${nearMatchText(name, Object.keys(ALGORITHMS))}; algorithms: ${Object.keys(ALGORITHMS).join(', ')}`);
  return a;
}

export type { DiscoveryAlgorithm, DiscoveryOptions } from './types.js';
export { acdc, edgeActivationPatching, edgeAttributionPatching, edgeAttributionPatchingIG };
