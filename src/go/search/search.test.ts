import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { BLACK, PASS, WHITE, type Color } from '../board/coords.js';
import { rulesPreset } from '../board/rules.js';
import type { EvalPosition, EvaluateOptions, Evaluation, Evaluator } from '../katago/evaluator.js';
import { KataGoHistory } from '../katago/history.js';
import { SearchNode } from './node.js';
import { addDirichletNoise, dirichletAlphaShape } from './noise.js';
import { defaultSearchParams } from './params.js';
import { rootMoveFilter } from './pass-handling.js';
import { chosenMoveTemperature } from './results.js';
import { MctsSearch } from './search.js';
import { cpuct, exploreScaling, exploreSelectionValue, fpuValue, parentUtilityStdevFactor, selectChild } from './selection.js';
import { addValue } from './backup.js';

const TT = rulesPreset('tromp-taylor').rules;

/**
 * A hand-made evaluator with known outputs (for checking search arithmetic, where a real network's
 * numbers would not be computable by hand): uniform policy over legal moves and pass, and a fixed
 * White win probability and score. Records every batch, and the positions whose evaluations are in
 * flight at once (each answer comes a macrotask later, so concurrent requests overlap).
 */
class FixedEvaluator implements Evaluator {
  batches: EvalPosition[][] = [];
  private readonly inFlight = new Set<string>();
  maxInFlight = 0;
  /** Requests for a position already in flight. */
  duplicatesInFlight = 0;
  /** Requests made with the concurrent option. */
  concurrentCalls = 0;
  constructor(private readonly whiteWin = 0.5, private readonly whiteScore = 0, private readonly passWeight = 1) {}
  async evaluate(positions: EvalPosition[], opts?: EvaluateOptions): Promise<Evaluation[]> {
    this.batches.push(positions);
    if (opts?.concurrent) this.concurrentCalls++;
    const keys = positions.map((p) => p.history.game.moves.map((m) => m.loc).join(','));
    for (const k of keys) {
      if (this.inFlight.has(k)) this.duplicatesInFlight++;
      this.inFlight.add(k);
    }
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight.size);
    await new Promise((resolve) => setImmediate(resolve));
    for (const k of keys) this.inFlight.delete(k);
    return positions.map((p) => {
      const h = p.history;
      const b = h.board;
      const policy = new Float32Array(b.area).fill(-1);
      const legal = h.game.legalMoves(h.toMove);
      const total = legal.length + this.passWeight;
      for (const loc of legal) policy[b.indexOf(loc)] = 1 / total;
      return {
        width: b.width, height: b.height, symmetry: p.symmetry ?? 0, policy, policyPass: this.passWeight / total,
        whiteWin: this.whiteWin, whiteLoss: 1 - this.whiteWin, noResult: 0, whiteLead: this.whiteScore,
        whiteScoreSelfplay: this.whiteScore, whiteScoreSelfplaySq: this.whiteScore * this.whiteScore + 1,
        varTimeLeft: -1, shorttermWinlossError: -1, shorttermScoreError: -1, whiteOwnership: new Float32Array(b.area),
      };
    });
  }
}

function history(width: number, setup: { x: number; y: number; color: Color }[] = [], toMove: Color = BLACK, komi = 7): KataGoHistory {
  return new KataGoHistory({ width, rules: TT, komi, setup, toMove });
}

test('PUCT: cpuct and the selection value follow KataGo\'s formulas with its default constants', () => {
  const p = defaultSearchParams();
  assert.equal(p.cpuctExploration, 1.0);
  assert.equal(p.cpuctExplorationLog, 0.45);
  assert.equal(p.cpuctExplorationBase, 500);
  assert.equal(cpuct(0, p), 1.0);
  assert.ok(Math.abs(cpuct(500, p) - (1 + 0.45 * Math.log(2))) < 1e-12);
  // By hand: W = 10 total child weight, stdev factor 1: scaling = cpuct(10) * sqrt(10.01).
  const scaling = exploreScaling(10, 1, p);
  const c10 = 1 + 0.45 * Math.log(510 / 500);
  assert.ok(Math.abs(scaling - c10 * Math.sqrt(10.01)) < 1e-12);
  // Child with prior 0.3, weight 4, White utility +0.2: White sees +0.2, Black sees -0.2.
  assert.ok(Math.abs(exploreSelectionValue(scaling, 0.3, 4, 0.2, WHITE) - (scaling * 0.3 / 5 + 0.2)) < 1e-12);
  assert.ok(Math.abs(exploreSelectionValue(scaling, 0.3, 4, 0.2, BLACK) - (scaling * 0.3 / 5 - 0.2)) < 1e-12);
  assert.ok(exploreSelectionValue(scaling, -1, 0, 0, WHITE) < -1e40, 'illegal moves are never selected');
});

test('FPU: parent utility reduced by fpuReductionMax * sqrt(visited policy mass) for the player to move (root 0.1, elsewhere 0.2)', () => {
  const p = defaultSearchParams({ fpuParentWeightByVisitedPolicy: false });
  assert.equal(p.rootFpuReductionMax, 0.1);
  assert.equal(defaultSearchParams({ rootNoiseEnabled: true }).rootFpuReductionMax, 0, 'KataGo: no root FPU reduction with noise');
  const node = new SearchNode(history(5), null);
  node.stats.utilityAvg = 0.3;
  // Black to move: a reduction makes White's utility larger (worse for Black).
  assert.ok(Math.abs(fpuValue(node, false, 0.25, p) - (0.3 + 0.2 * 0.5)) < 1e-12);
  assert.ok(Math.abs(fpuValue(node, true, 0.25, p) - (0.3 + 0.1 * 0.5)) < 1e-12);
  const w = new SearchNode(history(5, [], WHITE), null);
  w.stats.utilityAvg = 0.3;
  assert.ok(Math.abs(fpuValue(w, false, 0.25, p) - (0.3 - 0.1)) < 1e-12);
  // fpuLossProp moves the value toward a loss (utility radius 1 + 0.1 + 0.3).
  const lp = defaultSearchParams({ fpuParentWeightByVisitedPolicy: false, fpuLossProp: 0.5 });
  assert.ok(Math.abs(fpuValue(w, false, 0.25, lp) - (0.2 + (-1.4 - 0.2) * 0.5)) < 1e-12);
  // Parent utility stdev factor is 1 at the prior (no visits).
  assert.equal(parentUtilityStdevFactor(node, p), 1);
});

test('selection picks the child with the largest PUCT value, by hand', async () => {
  const p = defaultSearchParams({ fpuParentWeightByVisitedPolicy: false });
  const root = new SearchNode(history(3), null);
  // Policy: 0.5 on (0,0), 0.3 on (1,1), 0.2 pass, nothing else legal for this test.
  const policy = new Float32Array(10).fill(-1);
  policy[0] = 0.5; policy[4] = 0.3; policy[9] = 0.2;
  root.policy = policy;
  addValue(root, { utility: 0, winLoss: 0, noResult: 0, scoreMean: 0, scoreMeanSq: 0, lead: 0 });
  const a = root.addChild(root.locOfIndex(0));
  // (0,0) visited 3 times with White utility +0.5 (bad for Black, who is to move).
  for (let i = 0; i < 3; i++) addValue(a, { utility: 0.5, winLoss: 0.5, noResult: 0, scoreMean: 0, scoreMeanSq: 0, lead: 0 });
  const sel = selectChild(root, false, p, null)!;
  // By hand: W = 3; scaling = cpuct(3) * sqrt(3.01) * stdevFactor(root: 1 visit -> prior -> 1).
  const scaling = (1 + 0.45 * Math.log(503 / 500)) * Math.sqrt(3.01);
  const vA = scaling * 0.5 / 4 - 0.5;
  const fpu = 0 + 0.2 * Math.sqrt(0.5); // Black to move: White's utility goes up
  const vNew = scaling * 0.3 / 1 - fpu;
  assert.ok(vNew > vA);
  assert.equal(sel.child, null);
  assert.equal(sel.loc, root.locOfIndex(4), 'the best unvisited move is the highest-prior one');
});

test('backup: values stay White\'s up the path; the winrate is reported for the player to move', async () => {
  for (const toMove of [BLACK, WHITE] as const) {
    const ev = new FixedEvaluator(0.8, 3);
    const s = new MctsSearch(ev, { maxVisits: 12 }, { seed: 1 });
    s.setPosition(history(5, [], toMove));
    const r = await s.search();
    const root = s.rootNode!;
    assert.ok(Math.abs(root.stats.winLossAvg - 0.6) < 1e-9, 'every node holds White win - loss = 0.6');
    for (const c of root.children) if (c.stats.visits) assert.ok(Math.abs(c.stats.winLossAvg - 0.6) < 1e-9);
    assert.ok(Math.abs(r.winrate - (toMove === WHITE ? 0.8 : 0.2)) < 1e-9);
    assert.ok(root.stats.utilityAvg > 0.6, 'positive White score adds score utility');
    // Visits: the root's own evaluation plus one per child visit.
    assert.equal(root.stats.visits, 1 + root.children.reduce((n, c) => n + c.stats.visits, 0));
  }
});

test('visit limit: exactly maxVisits root visits, with one thread or four', async () => {
  for (const threads of [1, 4]) {
    const ev = new FixedEvaluator();
    const s = new MctsSearch(ev, { maxVisits: 23, numThreads: threads }, { seed: 2 });
    s.setPosition(history(5));
    const r = await s.search();
    assert.equal(r.rootVisits, 23);
    assert.equal(r.evals, 23, 'no terminal positions this shallow: one evaluation per visit');
    assert.equal(ev.maxInFlight, threads, `${threads} leaves in flight at once`);
    assert.equal(ev.concurrentCalls, threads === 1 ? 0 : 22, 'concurrent evaluations only with several threads (the root goes alone)');
  }
});

test('virtual losses spread concurrent descents over distinct leaves; a search is deterministic', async () => {
  const run = async () => {
    const ev = new FixedEvaluator();
    const s = new MctsSearch(ev, { maxVisits: 40, numThreads: 8 }, { seed: 3 });
    s.setPosition(history(5));
    return { ev, s, r: await s.search() };
  };
  const { ev, s, r } = await run();
  assert.equal(ev.duplicatesInFlight, 0, 'no position evaluated twice at once');
  assert.ok(ev.maxInFlight >= 4, `max in flight ${ev.maxInFlight}`);
  // No virtual loss is left behind.
  const check = (n: SearchNode): void => { assert.equal(n.virtualLosses, 0); n.children.forEach(check); };
  check(s.rootNode!);
  const again = await run();
  assert.deepEqual(again.r.moves.map((m) => [m.loc, m.visits]), r.moves.map((m) => [m.loc, m.visits]));
});

test('tree reuse: after a move is played, the root is the old subtree with its visits', async () => {
  const ev = new FixedEvaluator(0.5, 0, 0.001);
  const s = new MctsSearch(ev, { maxVisits: 60 }, { seed: 4 });
  const h = history(5);
  const r = await s.genMove(h);
  const child = s.rootNode!.childFor(r.move)!;
  const kept = child.stats.visits;
  assert.ok(kept > 1);
  h.play(r.move, BLACK);
  s.setPosition(h);
  assert.equal(s.rootNode, child, 'same node object');
  const r2 = await s.search();
  assert.equal(r2.rootVisits, 60);
  assert.equal(r2.newVisits, 60 - kept);
  // A position not in the tree starts afresh; so does any change of komi.
  const other = history(5, [], BLACK, 5.5);
  s.setPosition(other);
  assert.equal(s.rootNode!.stats.visits, 0);
  const noReuse = new MctsSearch(ev, { maxVisits: 10, treeReuse: false });
  await noReuse.genMove(history(5));
  const h2 = history(5);
  h2.play(noReuse.rootNode!.children[0].moveLoc!, BLACK);
  noReuse.setPosition(h2);
  assert.equal(noReuse.rootNode!.stats.visits, 0);
});

// 7x7, White to move (the position of KataGo-custom's passing test): White owns pass-alive
// territory at F1, G1, F6, G6; Black's pass-alive territory is A1, B1, A6, B6.
const PASS_TEST = [
  'XXXXOOO',
  '..XXO..',
  'XXXXOOO',
  'XXXXOOO',
  'XXXOOOO',
  'XXXOOOO',
  '..XOO..',
];
function fromRows(rows: string[], toMove: Color, komi: number): KataGoHistory {
  const setup: { x: number; y: number; color: Color }[] = [];
  rows.forEach((row, y) => [...row].forEach((c, x) => { if (c !== '.') setup.push({ x, y, color: c === 'X' ? BLACK : WHITE }); }));
  return history(rows[0].length, setup, toMove, komi);
}

test('pass hardening: avoid-pass-alive-territory leaves only moves outside own pass-alive territory, and no pass', async () => {
  const h = fromRows(PASS_TEST, WHITE, 6.5);
  const b = h.board;
  const name = (loc: number): string => (loc === PASS ? 'pass' : `${'ABCDEFG'[b.xOf(loc)]}${7 - b.yOf(loc)}`);
  const allowed = rootMoveFilter(h, 'avoid-pass-alive-territory')!;
  const legal = [...h.game.legalMoves(WHITE), PASS];
  assert.deepEqual(legal.filter(allowed).map(name).sort(), ['A1', 'A6', 'B1', 'B6']);
  assert.equal(rootMoveFilter(h, 'standard'), null);
  // The search only ever plays allowed moves, with many visits or with one.
  for (const visits of [1, 30]) {
    const s = new MctsSearch(new FixedEvaluator(0.5, 0, 50), { maxVisits: visits, passingBehavior: 'avoid-pass-alive-territory' }, { seed: 5 });
    const r = await s.genMove(h);
    assert.ok(['A1', 'A6', 'B1', 'B6'].includes(name(r.move)), `${visits} visits chose ${name(r.move)}`);
    for (const c of s.rootNode!.children) assert.ok(allowed(c.moveLoc!));
  }
  // The standard search with a pass-loving policy passes.
  const std = new MctsSearch(new FixedEvaluator(0.5, 0, 50), { maxVisits: 1 }, { seed: 5 });
  assert.equal((await std.genMove(h)).move, PASS);
});

test('pass hardening: no-suicide forbids passing only while the Tromp-Taylor score loses', () => {
  // Tromp-Taylor area by hand: Black's stones plus A1, B1, A6, B6; White's stones plus F1, G1, F6, G6.
  const white = fromRows(PASS_TEST, WHITE, 6.5);
  const black = fromRows(PASS_TEST, BLACK, 6.5);
  const tt = (h: KataGoHistory): number => { let bl = 0, wh = 0; for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) { const r = PASS_TEST[y][x]; if (r === 'X' || (r === '.' && x < 2)) bl++; else wh++; } return wh + h.game.komi - bl; };
  const margin = tt(white);
  assert.ok(margin > 0, `white leads by ${margin}`);
  assert.equal(rootMoveFilter(white, 'no-suicide')!(PASS), true, 'White wins if Black answers a pass with a pass');
  assert.equal(rootMoveFilter(black, 'no-suicide')!(PASS), false, 'Black would lose: no pass');
  const generous = fromRows(PASS_TEST, BLACK, -20);
  assert.equal(rootMoveFilter(generous, 'no-suicide')!(PASS), true, 'Black ahead: passing allowed');
});

test('Dirichlet noise: KataGo\'s alpha shape, deterministic per seed, a distribution over legal moves', () => {
  const policy = new Float32Array([0.5, 0.2, -1, 0.001, 0.299, -1]);
  const alpha = dirichletAlphaShape(policy);
  assert.ok(Math.abs(alpha.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.equal(alpha[2], 0);
  // By hand: logs of min(0.01, p): three at log(0.01), one at log(0.001); mean m; shaped = max(0, l - m).
  const l = [Math.log(0.01), Math.log(0.01), Math.log(0.001), Math.log(0.01)];
  const m = l.reduce((a, b) => a + b) / 4;
  const shaped = l.map((x) => Math.max(0, x - m));
  const sum = shaped.reduce((a, b) => a + b);
  assert.ok(Math.abs(alpha[0] - 0.5 * (shaped[0] / sum + 0.25)) < 1e-12);
  assert.ok(Math.abs(alpha[3] - 0.5 * (0 / sum + 0.25)) < 1e-12);
  const a = addDirichletNoise(policy, 10.83, 0.25, new Rng(7));
  const b = addDirichletNoise(policy, 10.83, 0.25, new Rng(7));
  const c = addDirichletNoise(policy, 10.83, 0.25, new Rng(8));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a[2], -1);
  assert.ok(Math.abs(a.reduce((s, x) => s + (x > 0 ? x : 0), 0) - 1) < 1e-5);
  for (const i of [0, 1, 3, 4]) assert.ok(a[i] >= 0.75 * policy[i] - 1e-7, 'at least 75% of the prior kept');
});

test('search with root noise is deterministic per seed', async () => {
  const run = async (seed: number): Promise<number[]> => {
    const s = new MctsSearch(new FixedEvaluator(), { maxVisits: 30, rootNoiseEnabled: true }, { seed });
    await s.genMove(history(5));
    return s.rootNode!.children.map((c) => c.stats.visits * 1000 + c.moveLoc!);
  };
  assert.deepEqual(await run(9), await run(9));
  assert.notDeepEqual(await run(9), await run(10));
});

test('chosen-move temperature decays from early to late with KataGo\'s half-life (scaled to 19x19)', () => {
  const p = defaultSearchParams({ chosenMoveTemperature: 0.1, chosenMoveTemperatureEarly: 0.5, chosenMoveTemperatureHalflife: 19 });
  assert.ok(Math.abs(chosenMoveTemperature(0, 19, 19, p) - 0.5) < 1e-12);
  assert.ok(Math.abs(chosenMoveTemperature(19, 19, 19, p) - 0.3) < 1e-12);
  assert.ok(Math.abs(chosenMoveTemperature(9, 9, 9, p) - (0.1 + 0.4 * 0.5 ** (9 / 19 * 19 / 9))) < 1e-12);
});

test('benchSearch reports visits/s of whole searches with two search threads', async () => {
  const { benchSearch } = await import('./bench.js');
  const ev = new FixedEvaluator();
  const r = await benchSearch(ev, { boardSize: 7, threads: 2, seconds: 0.2, visits: 20 });
  assert.ok(r.searches >= 1);
  assert.ok(r.visitsPerSecond > 0 && Number.isFinite(r.visitsPerSecond));
  assert.equal(ev.maxInFlight, 2);
});
