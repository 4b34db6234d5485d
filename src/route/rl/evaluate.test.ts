import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { GridWorld, NUM_ACTIONS } from './env.js';
import { GridPolicy, type PolicyOutput } from './policy.js';
import { cellDistance, evaluatePolicy } from './evaluate.js';

before(async () => {
  await initBackend();
});

const SIZE = 5;
const CELLS = SIZE * SIZE;

/** Scripted policy: steps toward the diamond along the longer axis first, sidestepping when that step would land on the ghost. */
class TowardDiamond extends GridPolicy {
  readonly kind = 'single' as const;
  forward(obs: Tensor): PolicyOutput {
    return { logits: this.deployedLogits(obs), gateLogit: null };
  }
  deployedLogits(obs: Tensor): Tensor {
    const x = obs.dataSync();
    const n = obs.shape[0];
    const o = obs.shape[1]!;
    const logits = new Float32Array(n * NUM_ACTIONS).fill(-30);
    const where = (base: number, plane: number) => {
      for (let c = 0; c < CELLS; c++) if (x[base + plane * CELLS + c] === 1) return c;
      return -1;
    };
    for (let i = 0; i < n; i++) {
      const a = where(i * o, 0), d = where(i * o, 1), g = where(i * o, 2);
      const [ar, ac, dr, dc] = [(a / SIZE) | 0, a % SIZE, (d / SIZE) | 0, d % SIZE];
      const moves: [number, number][] = [];
      if (dr !== ar) moves.push([dr < ar ? 0 : 1, a + (dr < ar ? -SIZE : SIZE)]);
      if (dc !== ac) moves.push([dc < ac ? 2 : 3, a + (dc < ac ? -1 : 1)]);
      if (Math.abs(dc - ac) > Math.abs(dr - ar)) moves.reverse(); // the longer way first: after a sidestep, go past the ghost
      // Blocked on a straight line: step sideways (right, or left on the last column).
      if (moves.length === 1 && moves[0][1] === g) moves.push(dr === ar ? [ar < SIZE - 1 ? 1 : 0, -1] : [ac < SIZE - 1 ? 3 : 2, -1]);
      if (moves.length === 0) moves.push([0, -1]); // finished episode (agent on a terminal): any action
      const [act] = moves.find(([, to]) => to !== g) ?? moves[0];
      logits[i * NUM_ACTIONS + act] = 30;
    }
    return tf.tensor2d(logits, [n, NUM_ACTIONS]);
  }
}

test('cellDistance is the Manhattan distance on the grid', () => {
  assert.equal(cellDistance(0, 24, 5), 8);
  assert.equal(cellDistance(7, 7, 5), 0);
  assert.equal(cellDistance(4, 5, 5), 5); // (0,4) to (1,0): not neighbours although the indices are
});

test('evaluatePolicy: a go-to-diamond policy reaches the diamond whichever terminal is nearer, and the split counts the right episodes', () => {
  const episodes = 600;
  const policy = new TowardDiamond();
  const e = evaluatePolicy(policy, { episodes, oversight: 0, rng: new Rng(11) });
  // The same seed lays out the same worlds: count ghost-nearer starts independently.
  const w = new GridWorld({ envs: episodes, oversight: 0, rng: new Rng(11) });
  let ghostNearer = 0;
  for (let i = 0; i < episodes; i++) {
    const [a, d, g] = [w.agent[i], w.diamond[i], w.ghost[i]];
    const dist = (p: number, q: number) => Math.abs(Math.floor(p / 5) - Math.floor(q / 5)) + Math.abs((p % 5) - (q % 5));
    if (dist(a, g) < dist(a, d)) ghostNearer++;
  }
  assert.equal(e.ghostNearerEpisodes, ghostNearer);
  assert.ok(ghostNearer > episodes * 0.3 && ghostNearer < episodes * 0.6, `ghost-nearer share ${ghostNearer / episodes}`);
  assert.ok(e.diamondRate > 0.97, `diamond rate ${e.diamondRate}`);
  assert.ok(e.diamondRateGhostNearer > 0.95, `diamond rate when the ghost is nearer ${e.diamondRateGhostNearer}`);
  assert.equal(e.gateDiamondNearer, undefined);
});
