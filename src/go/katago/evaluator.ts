// The Evaluator interface (batch of positions -> policy, value, score, ownership) and its KataGo
// implementation: input features, one of the 8 symmetries, the network, and KataGo's
// post-processing: softmax of the policy over legal moves and pass (illegal points get -1), softmax of
// win/loss/no-result (no-result impossible under superko with area scoring), scores scaled by the
// model's multipliers, ownership through tanh; all reported from White's point of view, exactly the
// numbers KataGo's `kata-raw-nn` prints.
import { WHITE, type Color } from '../board/index.js';
import { computeFeatures, NUM_GLOBAL_FEATURES, NUM_SPATIAL_FEATURES, type FeatureOptions, type Features } from './features.js';
import type { KataGoHistory } from './history.js';
import { LadderReader } from './ladder.js';
import { loadKataGoModel } from './model-file.js';
import { KataGoNetwork, type RawNetOutput } from './network.js';
import { applySymmetry, symmetryPermutation } from './symmetry.js';

export interface EvalPosition {
  history: KataGoHistory;
  /** Player to move (default: the history's). */
  toMove?: Color;
  /** Symmetry 0-7 (default 0). */
  symmetry?: number;
  /** KataGo's policy optimism in [0, 1] (version 12+ nets; default 0): blends toward the optimistic policy. */
  policyOptimism?: number;
}

export interface Evaluation {
  width: number;
  height: number;
  symmetry: number;
  /** Move probabilities per point, y * width + x with y = 0 the top row; -1 on illegal points. */
  policy: Float32Array;
  policyPass: number;
  whiteWin: number;
  whiteLoss: number;
  noResult: number;
  whiteLead: number;
  whiteScoreSelfplay: number;
  whiteScoreSelfplaySq: number;
  /** -1 when the model version has no such output (version 8). */
  varTimeLeft: number;
  shorttermWinlossError: number;
  shorttermScoreError: number;
  /** White's ownership per point in [-1, 1], same order as policy. */
  whiteOwnership: Float32Array;
}

export interface EvaluateOptions {
  /**
   * More evaluations will be requested before this one is awaited (a search with several leaves in
   * flight): run it beside them, one core each, rather than across all cores. The positions must not
   * change until it resolves.
   */
  concurrent?: boolean;
}

export interface Evaluator {
  evaluate(positions: EvalPosition[], opts?: EvaluateOptions): Promise<Evaluation[]>;
}

function softPlus(x: number): number {
  return x > 40 ? x : Math.log1p(Math.exp(x));
}

export interface KataGoEvaluatorOptions extends Pick<FeatureOptions, 'playoutDoublingAdvantage' | 'conservativePassAndIsRoot'> {
  /** Largest batch sent to the network at once (default 16). */
  maxBatch?: number;
  /**
   * Evaluations to keep in an LRU cache (default 0: none). Keys are the exact input features plus
   * symmetry and optimism, which determine the whole evaluation, so a hit is never an approximation.
   * Cached Evaluation objects are shared: do not modify them.
   */
  cacheEntries?: number;
}

interface Pending {
  index: number;
  position: EvalPosition;
  features: Features;
  key: string | null;
}

/** One request: results filled in as batches finish, cache keys to their request indices, batches to run. */
interface Plan {
  results: Evaluation[];
  byKey: Map<string, number[]>;
  chunks: Pending[][];
}

/**
 * Exact cache key: board size, player to move (features are relative to it, outputs are White's),
 * symmetry, optimism, the binary spatial planes as bits, the globals.
 */
function cacheKey(f: Features, p: EvalPosition, pla: Color): string {
  const bits = new Uint8Array(Math.ceil(f.spatial.length / 8));
  for (let i = 0; i < f.spatial.length; i++) if (f.spatial[i] !== 0) bits[i >> 3] |= 1 << (i & 7);
  const g = new Uint8Array(f.global.buffer, f.global.byteOffset, f.global.byteLength);
  return `${f.nnXLen}x${f.nnYLen}/${pla}/${p.symmetry ?? 0}/${p.policyOptimism ?? 0}/${Buffer.from(bits).toString('latin1')}${Buffer.from(g).toString('latin1')}`;
}

export class KataGoEvaluator implements Evaluator {
  readonly network: KataGoNetwork;
  private readonly ladders = new LadderReader();
  private readonly maxBatch: number;
  private readonly cacheEntries: number;
  private readonly cache: Map<string, Evaluation> | null;
  /** Evaluations answered from the cache so far. */
  cacheHits = 0;

  constructor(network: KataGoNetwork, private readonly opts: KataGoEvaluatorOptions = {}) {
    this.network = network;
    this.maxBatch = opts.maxBatch ?? 16;
    this.cacheEntries = opts.cacheEntries ?? 0;
    this.cache = this.cacheEntries > 0 ? new Map() : null;
  }

  static fromFile(path: string, opts: KataGoEvaluatorOptions = {}): KataGoEvaluator {
    return new KataGoEvaluator(new KataGoNetwork(loadKataGoModel(path)), opts);
  }

  dispose(): void {
    this.network.dispose();
  }

  async evaluate(positions: EvalPosition[], opts: EvaluateOptions = {}): Promise<Evaluation[]> {
    if (!opts.concurrent) return this.evaluateSync(positions);
    const plan = this.plan(positions);
    for (const chunk of plan.chunks) {
      const { spatial, global, width, height, perms } = this.inputs(chunk);
      const raw = await this.network.forwardAsync(spatial, global, chunk.length, height, width);
      this.finish(plan, chunk, raw, perms);
    }
    return plan.results;
  }

  /** Same as evaluate, synchronously. */
  evaluateSync(positions: EvalPosition[]): Evaluation[] {
    const plan = this.plan(positions);
    for (const chunk of plan.chunks) {
      const { spatial, global, width, height, perms } = this.inputs(chunk);
      this.finish(plan, chunk, this.network.forward(spatial, global, chunk.length, height, width), perms);
    }
    return plan.results;
  }

  /**
   * Features of every position, cache hits answered, duplicates within the request merged, the rest
   * grouped by board size into network batches of at most maxBatch.
   */
  private plan(positions: EvalPosition[]): Plan {
    const results: Evaluation[] = new Array(positions.length);
    // Features first: they decide cache hits and identical positions within the batch.
    const pending = new Map<string, Pending[]>();
    const byKey = new Map<string, number[]>();
    positions.forEach((p, i) => {
      const pla = p.toMove ?? p.history.toMove;
      const features = computeFeatures(p.history, pla, this.opts, this.ladders);
      const key = this.cache ? cacheKey(features, p, pla) : null;
      if (key !== null) {
        const hit = this.cache!.get(key);
        if (hit) {
          this.cache!.delete(key);
          this.cache!.set(key, hit);
          this.cacheHits++;
          results[i] = hit;
          return;
        }
        const same = byKey.get(key);
        if (same) { same.push(i); return; }
        byKey.set(key, [i]);
      }
      const size = `${p.history.board.width}x${p.history.board.height}`;
      const group = pending.get(size);
      const item = { index: i, position: p, features, key };
      if (group) group.push(item); else pending.set(size, [item]);
    });
    const chunks: Pending[][] = [];
    for (const group of pending.values()) {
      for (let start = 0; start < group.length; start += this.maxBatch) chunks.push(group.slice(start, start + this.maxBatch));
    }
    return { results, byKey, chunks };
  }

  /** Post-processes a batch's network outputs into the plan's results (and the cache). */
  private finish(plan: Plan, chunk: Pending[], raw: RawNetOutput, perms: Int32Array[]): void {
    chunk.forEach((item, k) => {
      const e = this.postProcess(item.position, item.features.legal, raw, k, perms[k]);
      if (item.key === null) { plan.results[item.index] = e; return; }
      for (const i of plan.byKey.get(item.key)!) plan.results[i] = e;
      this.cache!.set(item.key, e);
      if (this.cache!.size > this.cacheEntries) this.cache!.delete(this.cache!.keys().next().value as string);
    });
  }

  /** The network inputs of a batch of same-size positions, each in its symmetry. */
  private inputs(items: Pending[]): { spatial: Float32Array; global: Float32Array; width: number; height: number; perms: Int32Array[] } {
    const { width, height } = items[0].position.history.board;
    const area = width * height;
    const n = items.length;
    const spatial = new Float32Array(n * area * NUM_SPATIAL_FEATURES);
    const global = new Float32Array(n * NUM_GLOBAL_FEATURES);
    const perms: Int32Array[] = [];
    items.forEach(({ position: p, features: f }, b) => {
      const perm = symmetryPermutation(p.symmetry ?? 0, width, height);
      perms.push(perm);
      applySymmetry(f.spatial, spatial.subarray(b * area * NUM_SPATIAL_FEATURES, (b + 1) * area * NUM_SPATIAL_FEATURES), perm, NUM_SPATIAL_FEATURES);
      global.set(f.global, b * NUM_GLOBAL_FEATURES);
    });
    return { spatial, global, width, height, perms };
  }

  private postProcess(p: EvalPosition, legalPoints: Uint8Array, raw: RawNetOutput, b: number, perm: Int32Array): Evaluation {
    const hist = p.history;
    const board = hist.board;
    const pla = p.toMove ?? hist.toMove;
    const { width, height } = board;
    const area = width * height;
    const model = this.network.model;
    const pp = model.postProcess;

    // Policy over legal moves and pass, blended toward the optimistic policy if asked.
    const opt = p.policyOptimism ?? 0;
    if (!(opt >= 0 && opt <= 1)) throw new Error(`policyOptimism must be in [0, 1], got ${opt}`);
    const boardLogit = (j: number): number => {
      const base = raw.policy[b * area + j];
      return raw.optimisticPolicy && opt > 0 ? base + (raw.optimisticPolicy[b * area + j] - base) * opt : base;
    };
    const logits = new Float64Array(area + 1);
    const legal = new Uint8Array(area + 1);
    let maxLogit = -Infinity;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (!legalPoints[i]) continue;
        legal[i] = 1;
        logits[i] = boardLogit(perm[i]);
        if (logits[i] > maxLogit) maxLogit = logits[i];
      }
    }
    legal[area] = 1;
    logits[area] = raw.optimisticPass && opt > 0 ? raw.pass[b] + (raw.optimisticPass[b] - raw.pass[b]) * opt : raw.pass[b];
    if (logits[area] > maxLogit) maxLogit = logits[area];
    let sum = 0;
    for (let i = 0; i <= area; i++) if (legal[i]) { logits[i] = Math.exp(logits[i] - maxLogit); sum += logits[i]; }
    const policy = new Float32Array(area);
    for (let i = 0; i < area; i++) policy[i] = legal[i] ? logits[i] / sum : -1;
    const policyPass = Math.fround(logits[area] / sum);

    // Value: win, loss, no-result for the player to move.
    const v = raw.value.subarray(b * 3, b * 3 + 3);
    const noResultPossible = hist.rules.ko === 'SIMPLE' || hist.rules.scoring === 'TERRITORY';
    const noResultLogit = noResultPossible ? v[2] : v[2] - 100000;
    const maxV = Math.max(v[0], v[1], noResultLogit);
    const win = Math.exp(v[0] - maxV);
    const loss = Math.exp(v[1] - maxV);
    const noRes = noResultPossible ? Math.exp(noResultLogit - maxV) : 0;
    const vSum = win + loss + noRes;
    const winProb = win / vSum, lossProb = loss / vSum, noResultProb = noRes / vSum;

    // Scores (conditional on a result, made unconditional with no-result counting as 0).
    const s = raw.score.subarray(b * raw.scoreChannels, (b + 1) * raw.scoreChannels);
    let scoreMean = s[0] * pp.scoreMeanMultiplier;
    const scoreStdev = softPlus(s[1]) * pp.scoreStdevMultiplier;
    let scoreMeanSq = scoreMean * scoreMean + scoreStdev * scoreStdev;
    let lead = s[2] * pp.leadMultiplier;
    const varTimeLeft = softPlus(s[3]) * pp.varianceTimeMultiplier;
    scoreMean *= 1 - noResultProb;
    scoreMeanSq *= 1 - noResultProb;
    lead *= 1 - noResultProb;
    let shorttermWinlossError = -1;
    let shorttermScoreError = -1;
    if (model.version >= 14) {
      const a = softPlus(s[4] * 0.5), c = softPlus(s[5] * 0.5);
      shorttermWinlossError = Math.sqrt(a * a * pp.shorttermValueErrorMultiplier);
      shorttermScoreError = Math.sqrt(c * c * pp.shorttermScoreErrorMultiplier);
    } else if (model.version >= 10) {
      shorttermWinlossError = Math.sqrt(softPlus(s[4]) * pp.shorttermValueErrorMultiplier);
      shorttermScoreError = Math.sqrt(softPlus(s[5]) * pp.shorttermScoreErrorMultiplier);
    } else if (model.version >= 9) {
      shorttermWinlossError = softPlus(s[4]);
      shorttermScoreError = softPlus(s[5]) * 10;
    }

    const white = pla === WHITE;
    const sign = white ? 1 : -1;
    const whiteOwnership = new Float32Array(area);
    for (let i = 0; i < area; i++) whiteOwnership[i] = sign * Math.tanh(raw.ownership[b * area + perm[i]]);
    const f = Math.fround;
    return {
      width,
      height,
      symmetry: p.symmetry ?? 0,
      policy,
      policyPass,
      whiteWin: f(white ? winProb : lossProb),
      whiteLoss: f(white ? lossProb : winProb),
      noResult: f(noResultProb),
      whiteLead: f(sign * lead),
      whiteScoreSelfplay: f(sign * scoreMean),
      whiteScoreSelfplaySq: f(scoreMeanSq),
      varTimeLeft: model.version >= 9 ? f(varTimeLeft) : -1,
      shorttermWinlossError: f(shorttermWinlossError),
      shorttermScoreError: f(shorttermScoreError),
      whiteOwnership,
    };
  }
}
