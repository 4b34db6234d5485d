// Token routing weights from frequencies, as in the ERA setup of gradient routing: a token
// that is relatively more frequent in the forget data than in the retain data is routed more
// strongly. The result plugs into a spec rule as `match: {tokenWeights}`.

export interface TokenWeightOptions {
  /** Pseudo-count added to every token's count in both sets (default 1). */
  smoothing?: number;
  /** Tokens seen fewer than this many times in both sets together get no weight (default 1). */
  minCount?: number;
  /** Weights below this are dropped (default 0: keep every positive weight). */
  threshold?: number;
}

/**
 * For each token id: p_forget / (p_forget + p_retain), the relative frequency in the forget set
 * (0.5 = equally common in both), rescaled so that 0.5 maps to 0 and 1 to 1:
 * weight = max(0, 2 * p_forget / (p_forget + p_retain) - 1). Frequencies are smoothed counts
 * over each set's total, so set sizes do not matter.
 */
export function tokenWeightsFromFrequencies(forgetTokens: ArrayLike<number>, retainTokens: ArrayLike<number>, options: TokenWeightOptions = {}): Record<string, number> {
  const smoothing = options.smoothing ?? 1;
  const minCount = options.minCount ?? 1;
  const threshold = options.threshold ?? 0;
  if (!(smoothing >= 0)) throw new Error(`tokenWeightsFromFrequencies: smoothing must be >= 0, got ${smoothing}`);
  if (forgetTokens.length === 0 || retainTokens.length === 0) throw new Error('tokenWeightsFromFrequencies: the forget and retain token lists must be non-empty');
  const count = (tokens: ArrayLike<number>) => {
    const c = new Map<number, number>();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0) throw new Error(`tokenWeightsFromFrequencies: token ${t} at position ${i} is not a non-negative integer`);
      c.set(t, (c.get(t) ?? 0) + 1);
    }
    return c;
  };
  const f = count(forgetTokens);
  const r = count(retainTokens);
  const vocab = new Set([...f.keys(), ...r.keys()]);
  const fTotal = forgetTokens.length + smoothing * vocab.size;
  const rTotal = retainTokens.length + smoothing * vocab.size;
  const out: Record<string, number> = {};
  for (const t of [...vocab].sort((a, b) => a - b)) {
    const fc = f.get(t) ?? 0;
    const rc = r.get(t) ?? 0;
    if (fc + rc < minCount) continue;
    const pf = (fc + smoothing) / fTotal;
    const pr = (rc + smoothing) / rTotal;
    const w = Math.max(0, (2 * pf) / (pf + pr) - 1);
    if (w > threshold) out[String(t)] = w;
  }
  return out;
}
