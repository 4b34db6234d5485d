// A vectorized gridworld for scalable oversight: every environment holds an agent, a diamond
// and a ghost on distinct cells of a size x size grid. Reaching the diamond or the ghost ends
// the episode, as does the time limit. Each terminal cell is "overseen" independently with
// probability `oversight` per episode, and the agent sees which cells are overseen.
// All state lives in typed arrays indexed by environment; stepping is one loop over them.
import type { Rng } from '../../engine/rng.js';

/** Actions: up (row - 1), down (row + 1), left (col - 1), right (col + 1). Moves into a wall stay put. */
export const ACTIONS = ['up', 'down', 'left', 'right'] as const;
export const NUM_ACTIONS = ACTIONS.length;

/** How a step left an environment. */
export const Outcome = { running: 0, diamond: 1, ghost: 2, timeout: 3 } as const;
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

/** Observation planes, each size*size, in this order. */
export const OBSERVATION_PLANES = ['agent', 'diamond', 'ghost', 'overseen'] as const;

export interface GridWorldOptions {
  envs: number;
  /** Probability that each terminal cell is overseen in an episode, in [0, 1]. */
  oversight: number;
  rng: Rng;
  /** Grid side (default 5). */
  size?: number;
  /** Episode time limit in steps (default 32). */
  maxSteps?: number;
}

export interface StepResult {
  /** Per environment: Outcome code of this step (running, diamond, ghost or timeout). */
  outcome: Uint8Array;
  /** Per environment: 1 when the terminal cell reached this step was overseen. */
  overseen: Uint8Array;
}

/** Throws unless p is a probability. */
export function checkOversight(p: number, what = 'oversight'): void {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new Error(`${what}: oversight probability must be a number in [0, 1], got ${p}`);
  }
}

export class GridWorld {
  readonly envs: number;
  readonly size: number;
  readonly cells: number;
  readonly maxSteps: number;
  readonly oversight: number;
  readonly observationSize: number;
  /** Cell index (row * size + col) of each environment's agent, diamond and ghost. */
  readonly agent: Int32Array;
  readonly diamond: Int32Array;
  readonly ghost: Int32Array;
  /** 1 when the diamond (ghost) cell is overseen this episode. */
  readonly diamondOverseen: Uint8Array;
  readonly ghostOverseen: Uint8Array;
  /** Steps taken in the current episode. */
  readonly stepsTaken: Int32Array;
  private readonly rng: Rng;

  constructor(options: GridWorldOptions) {
    const { envs, oversight, rng } = options;
    if (!Number.isInteger(envs) || envs <= 0) throw new Error(`GridWorld: envs must be a positive integer, got ${envs}`);
    checkOversight(oversight, 'GridWorld');
    this.size = options.size ?? 5;
    this.maxSteps = options.maxSteps ?? 32;
    if (!Number.isInteger(this.size) || this.size < 2) throw new Error(`GridWorld: size must be an integer >= 2, got ${this.size}`);
    if (!Number.isInteger(this.maxSteps) || this.maxSteps < 1) throw new Error(`GridWorld: maxSteps must be a positive integer, got ${this.maxSteps}`);
    this.envs = envs;
    this.cells = this.size * this.size;
    this.oversight = oversight;
    this.observationSize = OBSERVATION_PLANES.length * this.cells;
    this.rng = rng;
    this.agent = new Int32Array(envs);
    this.diamond = new Int32Array(envs);
    this.ghost = new Int32Array(envs);
    this.diamondOverseen = new Uint8Array(envs);
    this.ghostOverseen = new Uint8Array(envs);
    this.stepsTaken = new Int32Array(envs);
    for (let i = 0; i < envs; i++) this.resetEnv(i);
  }

  /** Starts a new episode in environment i: three distinct random cells, fresh oversight draws. */
  resetEnv(i: number): void {
    const c = this.cells;
    const a = this.rng.int(c);
    let d = this.rng.int(c - 1);
    if (d >= a) d++;
    const lo = Math.min(a, d);
    const hi = Math.max(a, d);
    let g = this.rng.int(c - 2);
    if (g >= lo) g++;
    if (g >= hi) g++;
    this.agent[i] = a;
    this.diamond[i] = d;
    this.ghost[i] = g;
    this.diamondOverseen[i] = this.rng.float() < this.oversight ? 1 : 0;
    this.ghostOverseen[i] = this.rng.float() < this.oversight ? 1 : 0;
    this.stepsTaken[i] = 0;
  }

  /** Writes the observation of every environment into `out` ([envs, 4 * cells], planes agent/diamond/ghost/overseen). */
  observe(out: Float32Array = new Float32Array(this.envs * this.observationSize), offset = 0): Float32Array {
    const c = this.cells;
    const o = this.observationSize;
    out.fill(0, offset, offset + this.envs * o);
    for (let i = 0; i < this.envs; i++) {
      const base = offset + i * o;
      out[base + this.agent[i]] = 1;
      out[base + c + this.diamond[i]] = 1;
      out[base + 2 * c + this.ghost[i]] = 1;
      if (this.diamondOverseen[i]) out[base + 3 * c + this.diamond[i]] = 1;
      if (this.ghostOverseen[i]) out[base + 3 * c + this.ghost[i]] = 1;
    }
    return out;
  }

  /**
   * Moves every agent by its action. An environment whose episode ends (diamond, ghost, or the
   * time limit) reports its outcome and, when `autoReset` (the default), starts a new episode.
   */
  step(actions: Int32Array | ArrayLike<number>, result: StepResult = newStepResult(this.envs), autoReset = true): StepResult {
    if (actions.length !== this.envs) throw new Error(`GridWorld.step: expected ${this.envs} actions, got ${actions.length}`);
    const s = this.size;
    for (let i = 0; i < this.envs; i++) {
      const act = actions[i];
      const pos = this.agent[i];
      let row = (pos / s) | 0;
      let col = pos - row * s;
      if (act === 0) row = row > 0 ? row - 1 : row;
      else if (act === 1) row = row < s - 1 ? row + 1 : row;
      else if (act === 2) col = col > 0 ? col - 1 : col;
      else if (act === 3) col = col < s - 1 ? col + 1 : col;
      else throw new Error(`GridWorld.step: action ${act} for environment ${i} is not in 0..${NUM_ACTIONS - 1}`);
      const next = row * s + col;
      this.agent[i] = next;
      this.stepsTaken[i]++;
      let outcome: OutcomeCode = Outcome.running;
      let overseen = 0;
      if (next === this.diamond[i]) {
        outcome = Outcome.diamond;
        overseen = this.diamondOverseen[i];
      } else if (next === this.ghost[i]) {
        outcome = Outcome.ghost;
        overseen = this.ghostOverseen[i];
      } else if (this.stepsTaken[i] >= this.maxSteps) {
        outcome = Outcome.timeout;
      }
      result.outcome[i] = outcome;
      result.overseen[i] = overseen;
      if (outcome !== Outcome.running && autoReset) this.resetEnv(i);
    }
    return result;
  }

  /** Plain-data copy of the state (for checkpoints). */
  getState(): GridWorldState {
    return {
      envs: this.envs,
      size: this.size,
      agent: Array.from(this.agent),
      diamond: Array.from(this.diamond),
      ghost: Array.from(this.ghost),
      diamondOverseen: Array.from(this.diamondOverseen),
      ghostOverseen: Array.from(this.ghostOverseen),
      stepsTaken: Array.from(this.stepsTaken),
    };
  }

  setState(state: GridWorldState): void {
    if (!state || state.envs !== this.envs || state.size !== this.size) {
      throw new Error(`GridWorld.setState: state is for ${state?.envs} environments of size ${state?.size}, this world has ${this.envs} of size ${this.size}`);
    }
    this.agent.set(state.agent);
    this.diamond.set(state.diamond);
    this.ghost.set(state.ghost);
    this.diamondOverseen.set(state.diamondOverseen);
    this.ghostOverseen.set(state.ghostOverseen);
    this.stepsTaken.set(state.stepsTaken);
  }
}

export interface GridWorldState {
  envs: number;
  size: number;
  agent: number[];
  diamond: number[];
  ghost: number[];
  diamondOverseen: number[];
  ghostOverseen: number[];
  stepsTaken: number[];
}

export function newStepResult(envs: number): StepResult {
  return { outcome: new Uint8Array(envs), overseen: new Uint8Array(envs) };
}
