// The evaluator: normalised probabilities, colour-swapped positions give mirrored values,
// and the exact cache returns what a fresh evaluation gives, with LRU eviction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { BLACK, WHITE, parseGtpVertex, rulesPreset, type Color } from '../board/index.js';
import { KataGoEvaluator } from './evaluator.js';
import { KataGoHistory } from './history.js';
import { loadKataGoModel } from './model-file.js';
import { KataGoNetwork } from './network.js';

const MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'katago', 'g170-b6c96-s175395328-d26788732.bin.gz');
const skip = existsSync(MODEL) ? false : `KataGo model not found at ${MODEL}`;

function position(moves: [Color, string][], komi = 7.5, size = 7): KataGoHistory {
  const h = new KataGoHistory({ width: size, rules: rulesPreset('tromp-taylor').rules, komi });
  for (const [c, v] of moves) h.play(h.board.locOfPoint(parseGtpVertex(v, size, size)), c);
  return h;
}

test('evaluator: probabilities, colour swap mirrors, cache is exact and LRU', { skip }, async () => {
  await initBackend();
  const network = new KataGoNetwork(loadKataGoModel(MODEL));
  try {
    const plain = new KataGoEvaluator(network);
    const cached = new KataGoEvaluator(network, { cacheEntries: 2 });
    const a = position([[BLACK, 'D4'], [WHITE, 'C3']]);

    // Probabilities over legal moves and pass sum to 1; occupied points are illegal (-1).
    const [e] = plain.evaluateSync([{ history: a, symmetry: 5 }]);
    let sum = e.policyPass;
    e.policy.forEach((p) => { if (p >= 0) sum += p; });
    assert.ok(Math.abs(sum - 1) < 1e-5);
    const d4 = parseGtpVertex('D4', 7, 7) as { x: number; y: number };
    assert.equal(e.policy[d4.y * 7 + d4.x], -1);
    assert.equal(e.policy.filter((p) => p < 0).length, 2);
    assert.ok(Math.abs(e.whiteWin + e.whiteLoss + e.noResult - 1) < 1e-5);
    assert.equal(e.noResult, 0, 'no result is impossible under positional superko with area scoring');

    // Swapping colours (komi 0, the other player to move) mirrors White's values.
    const b1 = position([[BLACK, 'D4'], [WHITE, 'C3']], 0);
    const w1 = new KataGoHistory({ width: 7, rules: rulesPreset('tromp-taylor').rules, komi: 0, toMove: WHITE });
    w1.play(w1.board.locOfPoint(parseGtpVertex('D4', 7, 7)), WHITE);
    w1.play(w1.board.locOfPoint(parseGtpVertex('C3', 7, 7)), BLACK);
    const [eb, ew] = cached.evaluateSync([{ history: b1 }, { history: w1 }]);
    assert.ok(Math.abs(eb.whiteWin - ew.whiteLoss) < 1e-6, `${eb.whiteWin} vs ${ew.whiteLoss}`);
    assert.ok(Math.abs(eb.whiteLead + ew.whiteLead) < 1e-4);
    assert.equal(cached.cacheHits, 0, 'same features, different player: not a cache hit');

    // Cached answers equal fresh ones; duplicates in a batch share one evaluation.
    const fresh = plain.evaluateSync([{ history: a, symmetry: 3 }])[0];
    const [c1, c2] = cached.evaluateSync([{ history: a, symmetry: 3 }, { history: a, symmetry: 3 }]);
    assert.equal(c1, c2);
    assert.deepEqual(c1, fresh);
    const c3 = cached.evaluateSync([{ history: a, symmetry: 3 }])[0];
    assert.equal(c3, c1);
    assert.equal(cached.cacheHits, 1);
    assert.notEqual(cached.evaluateSync([{ history: a, symmetry: 4 }])[0], c1, 'another symmetry is another entry');
    // Capacity 2: (a,4) and (a,3) are cached; two new positions evict both.
    cached.evaluateSync([{ history: position([[BLACK, 'E5']]) }, { history: position([[BLACK, 'C5']]) }]);
    const hits = cached.cacheHits;
    cached.evaluateSync([{ history: a, symmetry: 3 }]);
    assert.equal(cached.cacheHits, hits, 'evicted entry is evaluated again');
  } finally {
    network.dispose();
  }
});

test('evaluator: concurrent requests (worker-thread passes, several at once) give exactly the synchronous evaluations', { skip }, async () => {
  await initBackend();
  const network = new KataGoNetwork(loadKataGoModel(MODEL));
  try {
    const ev = new KataGoEvaluator(network, { cacheEntries: 8 });
    const requests = [
      [{ history: position([[BLACK, 'D4'], [WHITE, 'C3']]), symmetry: 1 }],
      [{ history: position([[BLACK, 'C5']]), symmetry: 6 }, { history: position([[BLACK, 'E2'], [WHITE, 'B6']]), symmetry: 3 }],
      [{ history: position([[BLACK, 'D4'], [WHITE, 'C3']]), symmetry: 1 }],
    ];
    const concurrent = await Promise.all(requests.map((r) => ev.evaluate(r, { concurrent: true })));
    const fresh = new KataGoEvaluator(network);
    requests.forEach((r, i) => assert.deepEqual(concurrent[i], fresh.evaluateSync(r), `request ${i}`));
  } finally {
    network.dispose();
  }
});
