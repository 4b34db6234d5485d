import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { Board } from './board.js';
import { BLACK, EMPTY, PASS, WHITE, type Color, parseGtpVertex, toGtpVertex, parseSgfCoord, toSgfCoord } from './coords.js';
import { randomNonEyeMove } from './playout.js';

// A deliberately naive reference: flood fills from scratch for every question.
function naiveGroup(b: Board, loc: number): { stones: Set<number>; libs: Set<number> } {
  const color = b.stones[loc];
  const stones = new Set<number>([loc]);
  const libs = new Set<number>();
  const stack = [loc];
  while (stack.length) {
    const p = stack.pop()!;
    for (const d of b.adj) {
      const n = p + d;
      if (b.stones[n] === EMPTY) libs.add(n);
      else if (b.stones[n] === color && !stones.has(n)) { stones.add(n); stack.push(n); }
    }
  }
  return { stones, libs };
}

function checkConsistency(b: Board): void {
  const fresh = new Board(b.width, b.height);
  const entries: { loc: number; color: Color }[] = [];
  for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) {
    const loc = b.loc(x, y);
    const s = b.stones[loc];
    if (s === EMPTY) continue;
    entries.push({ loc, color: s as Color });
    const g = naiveGroup(b, loc);
    assert.ok(g.libs.size > 0, 'no chain without liberties');
    assert.equal(b.liberties(loc), g.libs.size, `liberties at ${x},${y}`);
    assert.equal(b.chainSize(loc), g.stones.size, `chain size at ${x},${y}`);
    assert.deepEqual(new Set(b.chainStones(loc)), g.stones);
  }
  fresh.setStones(entries);
  assert.equal(b.hashLo, fresh.hashLo, 'incremental hash equals hash from scratch');
  assert.equal(b.hashHi, fresh.hashHi);
  let empties = 0;
  for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) if (b.at(x, y) === EMPTY) empties++;
  assert.equal(b.numEmpty, empties);
  const listed = new Set<number>();
  for (let i = 0; i < b.numEmpty; i++) listed.add(b.emptyAt(i));
  assert.equal(listed.size, empties);
  for (const loc of listed) assert.equal(b.stones[loc], EMPTY);
}

function play(b: Board, moves: string, color: Color = BLACK): void {
  for (const v of moves.split(/\s+/).filter(Boolean)) {
    b.play(b.locOfPoint(parseGtpVertex(v, b.width, b.height)), color);
  }
}

test('coordinates: GTP vertices skip I, rows count from the bottom; SGF from the top', () => {
  assert.deepEqual(parseGtpVertex('A1', 19, 19), { x: 0, y: 18 });
  assert.deepEqual(parseGtpVertex('j19', 19, 19), { x: 8, y: 0 });
  assert.deepEqual(parseGtpVertex('T1', 19, 19), { x: 18, y: 18 });
  assert.equal(toGtpVertex({ x: 8, y: 0 }, 19), 'J19');
  assert.equal(parseGtpVertex('PASS', 9, 9), 'pass');
  assert.throws(() => parseGtpVertex('I5', 19, 19), /invalid vertex/);
  assert.throws(() => parseGtpVertex('K1', 9, 9), /off the 9x9 board/);
  assert.throws(() => parseGtpVertex('A0', 9, 9), /off the/);
  assert.deepEqual(parseGtpVertex('A13', 9, 13), { x: 0, y: 0 });
  assert.deepEqual(parseSgfCoord('ci', 9, 13), { x: 2, y: 8 });
  assert.equal(parseSgfCoord('tt', 19, 19), 'pass');
  assert.equal(parseSgfCoord('', 19, 19), 'pass');
  assert.equal(toSgfCoord({ x: 3, y: 15 }), 'dp');
  assert.throws(() => parseSgfCoord('zz', 9, 9), /off the 9x9 board/);
});

test('captures and liberties on small positions', () => {
  const b = new Board(5);
  // White E5-group in the corner: W at A1, B captures with A2 + B1.
  play(b, 'A1', WHITE);
  play(b, 'A2', BLACK);
  assert.equal(b.liberties(b.loc(0, 4)), 1);
  play(b, 'B1', BLACK);
  assert.equal(b.at(0, 4), EMPTY, 'A1 captured');
  assert.equal(b.captures[BLACK], 1);
  assert.equal(b.liberties(b.loc(0, 3)), 3, 'A2 regains A1 as a liberty');
  checkConsistency(b);
  // A two-stone white chain on the edge captured at once.
  const c = new Board(5);
  play(c, 'C1 D1', WHITE);
  play(c, 'B1 E1 C2', BLACK);
  assert.equal(c.liberties(c.loc(2, 4)), 1);
  play(c, 'D2', BLACK);
  assert.equal(c.at(2, 4), EMPTY);
  assert.equal(c.at(3, 4), EMPTY);
  assert.equal(c.captures[BLACK], 2);
  checkConsistency(c);
});

test('suicide: single-stone never legal, multi-stone only when allowed, capture beats suicide', () => {
  const b = new Board(5);
  play(b, 'A2 B1', WHITE);
  const a1 = b.loc(0, 4);
  assert.ok(b.isSuicide(a1, BLACK));
  assert.equal(b.illegalReason(a1, BLACK, true, true), 'single-stone suicide');
  // Multi-stone: black B2, then black A2... build black A1-A2 pocket surrounded by white.
  const m = new Board(4);
  play(m, 'A3 B2 B1', WHITE);
  play(m, 'A1', BLACK);
  const a2 = m.loc(0, 2);
  assert.ok(m.isSuicide(a2, BLACK));
  assert.equal(m.illegalReason(a2, BLACK, false, true), 'multi-stone suicide is not allowed by these rules');
  assert.equal(m.illegalReason(a2, BLACK, true, true), null);
  const removed = m.play(a2, BLACK);
  assert.equal(removed, 2);
  assert.equal(m.at(0, 3), EMPTY);
  assert.equal(m.at(0, 2), EMPTY);
  assert.equal(m.captures[WHITE], 2, 'suicided stones count as captured by the opponent');
  checkConsistency(m);
  // Filling the last liberty is legal when it captures.
  const c = new Board(5);
  play(c, 'A2 B1', WHITE);
  play(c, 'A3 B2 C1', BLACK);
  assert.equal(c.isSuicide(c.loc(0, 4), BLACK), false);
  c.play(c.loc(0, 4), BLACK);
  assert.equal(c.at(0, 3), EMPTY, 'A2 captured');
  assert.equal(c.at(1, 4), EMPTY, 'B1 captured');
  checkConsistency(c);
});

test('simple ko point', () => {
  const b = new Board(5);
  play(b, 'B3 C2 C4', BLACK);
  play(b, 'D2 D4 E3 C3', WHITE);
  const d3 = b.loc(3, 2);
  b.play(d3, BLACK); // captures C3
  assert.equal(b.at(2, 2), EMPTY);
  assert.equal(b.koLoc, b.loc(2, 2));
  assert.equal(b.illegalReason(b.loc(2, 2), WHITE, false, true), 'ko recapture');
  b.pass();
  assert.equal(b.koLoc, PASS);
  checkConsistency(b);
});

test('rectangular boards: 9x13 and 19x11 index and wall correctly', () => {
  for (const [w, h] of [[9, 13], [19, 11], [2, 2], [3, 7]]) {
    const b = new Board(w, h);
    assert.equal(b.numEmpty, w * h);
    b.play(b.loc(w - 1, 0), BLACK);
    b.play(b.loc(0, 1), WHITE);
    assert.equal(b.liberties(b.loc(w - 1, 0)), 2, 'corner stone has two liberties (no wrap-around)');
    assert.equal(b.liberties(b.loc(0, 1)), w > 1 && h > 2 ? 3 : 2);
    assert.equal(b.indexOf(b.loc(w - 1, h - 1)), w * h - 1);
    checkConsistency(b);
  }
});

test('random games keep chains, liberties, empty list and hash consistent (vs naive flood fill)', () => {
  const rng = new Rng(7);
  for (const [w, h] of [[9, 9], [7, 5], [13, 13], [19, 11]]) {
    const b = new Board(w, h);
    let color: Color = BLACK;
    for (let i = 0; i < 3 * w * h; i++) {
      const loc = randomNonEyeMove(b, color, rng);
      b.play(loc, color);
      if (i % 7 === 0) checkConsistency(b);
      color = color === BLACK ? WHITE : BLACK;
    }
    checkConsistency(b);
  }
});

test('hashAfterPlay predicts the hash of the position after the move', () => {
  const rng = new Rng(3);
  const b = new Board(9);
  let color: Color = BLACK;
  for (let i = 0; i < 200; i++) {
    const loc = randomNonEyeMove(b, color, rng);
    const [lo, hi] = b.hashAfterPlay(loc, color);
    b.play(loc, color);
    assert.equal(b.hashLo, lo);
    assert.equal(b.hashHi, hi);
    color = color === BLACK ? WHITE : BLACK;
  }
});

test('benchPlayouts runs complete random playouts and reports rates', async () => {
  const { benchPlayouts } = await import('./playout.js');
  const r = benchPlayouts({ width: 9, seconds: 0.05, minPlayouts: 20 });
  assert.ok(r.playouts >= 20);
  assert.ok(r.playoutsPerSecond > 0 && r.playoutsPerCpuSecond > 0);
  // A 9x9 random playout that never fills eyes lasts about 110 moves (passes included).
  assert.ok(r.movesPerPlayout > 80 && r.movesPerPlayout < 160, `moves per playout ${r.movesPerPlayout}`);
  const rect = benchPlayouts({ width: 7, height: 13, seconds: 0.02, minPlayouts: 5 });
  assert.equal(rect.height, 13);
});
