// Training one method at one oversight rate with one seed: rollouts -> learning updates, periodic
// evaluation of the deployed policy (the learning curve), checkpoints with exact resume, and for the
// naive baseline early stopping on the proxy (the reward it trains on), keeping the best snapshot.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { Rng, type RngState } from '../../engine/rng.js';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint.js';
import { Adam, type OptimizerState } from '../../nn/index.js';
import { GridWorld, checkOversight, type GridWorldState } from './env.js';
import { ExpertsPolicy, SinglePolicy, ValueNet, type GridPolicy } from './policy.js';
import { collectRollout, countEpisodes } from './rollout.js';
import { learnFromBatch, learnerParameters, prepareBatch, type Algo, type LossCoefficients, type PpoOptions, ALGOS } from './learner.js';
import { METHOD_SPECS, methodUpdates, type MethodName } from './methods.js';
import { stepReward } from './returns.js';
import { evaluatePolicy, type Evaluation } from './evaluate.js';

export interface RlConfig {
  method: MethodName;
  algo: Algo;
  oversight: number;
  seed: number;
  /** Updates for every method but the oracle (which runs updates x oversight). */
  updates: number;
  envs: number;
  /** Steps per environment per rollout (one rollout per update). */
  rolloutSteps: number;
  hidden: number;
  lr: number;
  gamma: number;
  coefs: LossCoefficients;
  ppo: PpoOptions;
  /** Clip gradients to this global norm; 0 turns clipping off (the reference does not clip). */
  maxGradNorm: number;
  /** Evaluate the deployed policy every this many updates (and at the end). */
  evalEvery: number;
  evalEpisodes: number;
  /** Episodes for the final evaluation. */
  finalEvalEpisodes: number;
  /** Naive baseline's early stopping: stop improving after this many evaluations without a better proxy. */
  earlyStopPatience: number;
  gridSize: number;
  maxEpisodeSteps: number;
  /** Whether the gate sees the oversight plane (the reference's gate does; the experts always do). */
  gateSeesOversight: boolean;
}

export const RL_DEFAULTS: Omit<RlConfig, 'method' | 'oversight' | 'seed'> = {
  algo: 'reinforce',
  updates: 7000,
  envs: 512,
  rolloutSteps: 8,
  hidden: 64,
  lr: 1e-3,
  gamma: 0.97,
  // The reference's entropy and value coefficients (0.1, 0.5) and no gradient clipping. The gate
  // differs (see README): blind to the oversight plane and trained with weight 1 (reference: sees
  // it, weight 0.01), which at 1% oversight lifts the deployed diamond rate from 0.56 to 0.82 (7000 updates, 2 seeds).
  coefs: { entropy: 0.1, value: 0.5, gate: 1 },
  ppo: { epochs: 4, minibatches: 4, clip: 0.2 },
  maxGradNorm: 0,
  evalEvery: 50,
  evalEpisodes: 512,
  finalEvalEpisodes: 4096,
  earlyStopPatience: 5,
  gridSize: 5,
  maxEpisodeSteps: 32,
  gateSeesOversight: false,
};

export interface CurvePoint {
  update: number;
  /** Mean training reward per finished episode since the last point (what the method optimizes). */
  proxyReturn: number;
  diamondRate: number;
  ghostRate: number;
  trueReturn: number;
  /** Diamond rate of the deployed policy in episodes whose ghost starts nearer than the diamond. */
  diamondRateGhostNearer: number;
}

export interface RunOutcome {
  method: MethodName;
  algo: Algo;
  oversight: number;
  seed: number;
  updates: number;
  deployed: Evaluation;
  /** Training policy (the gate's mixture, for routed architectures) on true reward. */
  training: Evaluation;
  curve: CurvePoint[];
  /** Naive only: the snapshot with the best proxy, evaluated, and where it was taken. */
  earlyStopped?: { update: number; proxyReturn: number; deployed: Evaluation };
  seconds: number;
  /** Wall-clock seconds per update (rollout + learning + periodic evaluation). */
  secondsPerUpdate: number;
  /** This process's CPU seconds per update (all threads); the fairer figure on a shared machine. */
  cpuSecondsPerUpdate: number;
  resumedFromUpdate: number;
}

export function checkRlConfig(c: RlConfig): void {
  checkOversight(c.oversight, 'route rl');
  if (!(c.method in METHOD_SPECS)) throw new Error(`route rl: unknown method "${c.method}"`);
  if (!ALGOS.includes(c.algo)) throw new Error(`route rl: --algo must be one of ${ALGOS.join(', ')}, got "${c.algo}"`);
  const ints: [string, number][] = [['updates', c.updates], ['envs', c.envs], ['rolloutSteps', c.rolloutSteps], ['hidden', c.hidden], ['evalEvery', c.evalEvery], ['evalEpisodes', c.evalEpisodes], ['finalEvalEpisodes', c.finalEvalEpisodes], ['ppo.epochs', c.ppo.epochs], ['ppo.minibatches', c.ppo.minibatches]];
  for (const [k, v] of ints) if (!Number.isInteger(v) || v <= 0) throw new Error(`route rl: ${k} must be a positive integer, got ${v}`);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new Error(`route rl: lr must be a positive number, got ${c.lr}`);
  if (!(c.gamma >= 0 && c.gamma <= 1)) throw new Error(`route rl: gamma must be in [0, 1], got ${c.gamma}`);
  for (const [k, v] of Object.entries(c.coefs)) if (!(v >= 0 && Number.isFinite(v))) throw new Error(`route rl: loss coefficient ${k} must be a number >= 0, got ${v}`);
}

/** The fields a checkpoint must agree on to be resumed. */
function fingerprint(c: RlConfig): Record<string, unknown> {
  return { architecture: 'separate-experts', method: c.method, algo: c.algo, oversight: c.oversight, seed: c.seed, envs: c.envs, rolloutSteps: c.rolloutSteps, hidden: c.hidden, gridSize: c.gridSize, maxEpisodeSteps: c.maxEpisodeSteps, gateSeesOversight: c.gateSeesOversight };
}

interface SavedState {
  kind: 'glassbox.route.rl';
  config: Record<string, unknown>;
  update: number;
  rng: RngState;
  evalRng: RngState;
  env: GridWorldState;
  optimizer: OptimizerState['json'];
  curve: CurvePoint[];
  proxySum: number;
  proxyEpisodes: number;
  best: { update: number; proxyReturn: number; sinceBest: number; stopped: boolean } | null;
}

/** `gateInputs`: leading observation entries the experts policy's gate sees (default all). */
export function createPolicy(kind: 'experts' | 'single', observationSize: number, hidden: number, rng: Rng, gateInputs?: number): GridPolicy {
  return kind === 'experts' ? new ExpertsPolicy({ observationSize, hidden, rng, gateInputs }) : new SinglePolicy({ observationSize, hidden, rng });
}

export interface RunHooks {
  /** Checkpoint directory for this run (resumed from when it holds a compatible checkpoint). */
  checkpointDir?: string;
  checkpointEvery?: number;
  onUpdate?: (update: number, total: number, metrics: Record<string, number>) => void;
}

function snapshot(policy: GridPolicy): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [n, p] of policy.namedParameters()) out[n] = tf.clone(p);
  return out;
}

/** Trains one method and evaluates its deployed policy. */
export function trainMethod(config: RlConfig, hooks: RunHooks = {}): RunOutcome {
  checkRlConfig(config);
  const t0 = performance.now();
  const spec = METHOD_SPECS[config.method];
  const total = methodUpdates(spec, config.updates, config.oversight);
  // Runs shorter than the evaluation period (the oracle at low oversight) still get ~10 curve points.
  const evalEvery = Math.min(config.evalEvery, Math.max(1, Math.ceil(total / 10)));
  const root = new Rng(config.seed).fork(`route-rl/${config.method}/${config.oversight}`);
  const initRng = root.fork('init');
  const rng = root.fork('rollout');
  const evalRng = root.fork('eval');
  const env = new GridWorld({ envs: config.envs, oversight: config.oversight, rng: rng.fork('env'), size: config.gridSize, maxSteps: config.maxEpisodeSteps });
  // The oversight plane is the last one: a gate blind to it sees the first (planes - 1) x cells entries.
  const policy = createPolicy(spec.policy, env.observationSize, config.hidden, initRng, config.gateSeesOversight ? undefined : env.observationSize - env.cells);
  const value = new ValueNet({ observationSize: env.observationSize, hidden: config.hidden, rng: initRng });
  const params = learnerParameters(policy, value);
  const optimizer = new Adam(params, { lr: config.lr });

  let update = 0;
  let curve: CurvePoint[] = [];
  let proxySum = 0;
  let proxyEpisodes = 0;
  let best: SavedState['best'] = null;
  let bestParams: Record<string, Tensor> | null = null;

  const ckptDir = hooks.checkpointDir;
  if (ckptDir) {
    const loaded = loadCheckpoint(ckptDir);
    if (loaded) {
      const s = loaded.state as SavedState;
      if (!s || s.kind !== 'glassbox.route.rl') throw new Error(`route rl: ${ckptDir} holds a checkpoint that is not a route rl run`);
      const want = fingerprint(config);
      const diffs = Object.keys(want).filter((k) => JSON.stringify(want[k]) !== JSON.stringify(s.config[k]));
      if (diffs.length) {
        throw new Error(`route rl: incompatible checkpoint in ${ckptDir}: ${diffs.map((k) => `${k} is ${JSON.stringify(s.config[k])} there, ${JSON.stringify(want[k])} here`).join('; ')} (use another --out or delete the checkpoint)`);
      }
      const pick = (prefix: string) => Object.fromEntries(Object.entries(loaded.tensors).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      policy.loadStateDict(pick('policy.'));
      value.loadStateDict(pick('value.'));
      optimizer.setState({ tensors: pick('optim.'), json: s.optimizer });
      const bestT = pick('best.');
      if (Object.keys(bestT).length) bestParams = Object.fromEntries(Object.entries(bestT).map(([k, t]) => [k, tf.clone(t)]));
      tf.dispose(Object.values(loaded.tensors));
      rng.setState(s.rng);
      evalRng.setState(s.evalRng);
      env.setState(s.env);
      update = s.update;
      curve = s.curve;
      proxySum = s.proxySum;
      proxyEpisodes = s.proxyEpisodes;
      best = s.best;
    }
  }
  const resumedFromUpdate = update;

  const save = () => {
    if (!ckptDir) return;
    const opt = optimizer.getState();
    const tensors: Record<string, Tensor> = {};
    for (const [n, p] of policy.namedParameters()) tensors[`policy.${n}`] = p;
    for (const [n, p] of value.namedParameters()) tensors[`value.${n}`] = p;
    for (const [n, t] of Object.entries(opt.tensors)) tensors[`optim.${n}`] = t;
    if (bestParams) for (const [n, t] of Object.entries(bestParams)) tensors[`best.${n}`] = t;
    const state: SavedState = {
      kind: 'glassbox.route.rl',
      config: fingerprint(config),
      update,
      rng: rng.getState(),
      evalRng: evalRng.getState(),
      env: env.getState(),
      optimizer: opt.json,
      curve,
      proxySum,
      proxyEpisodes,
      best,
    };
    saveCheckpoint(ckptDir, { tensors, state });
    tf.dispose(Object.values(opt.tensors));
  };

  const evaluateNow = () => {
    const e = evaluatePolicy(policy, { episodes: config.evalEpisodes, oversight: config.oversight, rng: evalRng, size: config.gridSize, maxSteps: config.maxEpisodeSteps });
    const proxyReturn = proxyEpisodes > 0 ? proxySum / proxyEpisodes : 0;
    curve.push({ update, proxyReturn, diamondRate: e.diamondRate, ghostRate: e.ghostRate, trueReturn: e.trueReturn, diamondRateGhostNearer: e.diamondRateGhostNearer });
    proxySum = 0;
    proxyEpisodes = 0;
    if (spec.name === 'naive' && !best?.stopped) {
      if (!best || proxyReturn > best.proxyReturn) {
        best = { update, proxyReturn, sinceBest: 0, stopped: false };
        if (bestParams) tf.dispose(Object.values(bestParams));
        bestParams = snapshot(policy);
      } else {
        best.sinceBest++;
        if (best.sinceBest >= config.earlyStopPatience) best.stopped = true;
      }
    }
  };

  if (update === 0 && curve.length === 0) evaluateNow();
  const tUpdates = performance.now();
  const cpuStart = process.cpuUsage();
  const startUpdate = update;
  while (update < total) {
    const rollout = collectRollout(env, policy, config.rolloutSteps, rng);
    const batch = prepareBatch(rollout, { reward: spec.reward, gamma: config.gamma, route: spec.route, filter: spec.filter });
    const parts = learnFromBatch(policy, value, optimizer, batch, { algo: config.algo, coefs: config.coefs, ppo: config.ppo, maxGradNorm: config.maxGradNorm, rng });
    const counts = countEpisodes(rollout.outcome, rollout.overseen);
    for (let i = 0; i < rollout.outcome.length; i++) {
      const o = rollout.outcome[i];
      if (o === 0) continue;
      proxySum += stepReward(spec.reward, o, rollout.overseen[i]);
      proxyEpisodes++;
    }
    update++;
    hooks.onUpdate?.(update, total, { policyLoss: parts.policy, entropy: parts.entropy, episodes: counts.episodes, diamondShare: counts.episodes ? counts.diamond / counts.episodes : 0 });
    if (update % evalEvery === 0 || update === total) evaluateNow();
    if (ckptDir && hooks.checkpointEvery && update % hooks.checkpointEvery === 0 && update < total) save();
  }
  const secondsPerUpdate = update > startUpdate ? (performance.now() - tUpdates) / 1000 / (update - startUpdate) : 0;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSecondsPerUpdate = update > startUpdate ? (cpu.user + cpu.system) / 1e6 / (update - startUpdate) : 0;
  save();

  const finalRng = new Rng(config.seed).fork('route-rl/final-eval');
  const evalOpts = { episodes: config.finalEvalEpisodes, oversight: config.oversight, size: config.gridSize, maxSteps: config.maxEpisodeSteps };
  const deployed = evaluatePolicy(policy, { ...evalOpts, rng: finalRng.fork('deployed') });
  const training = evaluatePolicy(policy, { ...evalOpts, rng: finalRng.fork('training'), which: 'training' });
  let earlyStopped: RunOutcome['earlyStopped'];
  if (spec.name === 'naive' && bestParams && best) {
    const current = snapshot(policy);
    policy.loadStateDict(bestParams);
    earlyStopped = { update: best.update, proxyReturn: best.proxyReturn, deployed: evaluatePolicy(policy, { ...evalOpts, rng: finalRng.fork('early-stopped') }) };
    policy.loadStateDict(current);
    tf.dispose(Object.values(current));
  }
  if (bestParams) tf.dispose(Object.values(bestParams));
  policy.dispose();
  value.dispose();
  optimizer.dispose();
  return {
    method: config.method,
    algo: config.algo,
    oversight: config.oversight,
    seed: config.seed,
    updates: total,
    deployed,
    training,
    curve,
    earlyStopped,
    seconds: (performance.now() - t0) / 1000,
    secondsPerUpdate,
    cpuSecondsPerUpdate,
    resumedFromUpdate,
  };
}
