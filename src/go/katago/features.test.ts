// Input features on hand-checked positions: ladders (one and two liberties, working moves), ko,
// history of moves and passes, komi with KataGo's territory and handicap bonuses, the komi parity wave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLACK, Board, PASS, WHITE, parseGtpVertex, rulesPreset } from '../board/index.js';
import { computeFeatures, NUM_SPATIAL_FEATURES, type Features } from './features.js';
import { KataGoHistory } from './history.js';
import { LadderReader, forEachLadderedStone } from './ladder.js';

function at(f: Features, x: number, y: number, feature: number): number {
  return f.spatial[(y * f.nnXLen + x) * NUM_SPATIAL_FEATURES + feature];
}

function plane(f: Features, feature: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < f.nnYLen; y++) {
    let r = '';
    for (let x = 0; x < f.nnXLen; x++) r += at(f, x, y, feature) ? '1' : '.';
    rows.push(r);
  }
  return rows;
}

function history(size: number, rules: string, komi: number, moves: [string, string][]): KataGoHistory {
  const h = new KataGoHistory({ width: size, rules: rulesPreset(rules).rules, komi });
  for (const [c, v] of moves) {
    const p = parseGtpVertex(v, size, size);
    h.play(p === 'pass' ? PASS : h.board.locOfPoint(p), c === 'B' ? BLACK : WHITE);
  }
  return h;
}

test('ladder reading: escape to three liberties, capture after the extension, edge ladders, working first moves', () => {
  const reader = new LadderReader();
  const laddered = (b: Board): string[] => {
    const out: string[] = [];
    forEachLadderedStone(reader, b, (loc, working) => out.push(`${b.xOf(loc)},${b.yOf(loc)}:${working.map((w) => `${b.xOf(w)},${b.yOf(w)}`).sort().join('/')}`));
    return out;
  };
  const stones = (b: Board, white: [number, number][], black: [number, number][]): Board => {
    b.setStones([...white.map(([x, y]) => ({ loc: b.loc(x, y), color: WHITE as 2 })), ...black.map(([x, y]) => ({ loc: b.loc(x, y), color: BLACK as 1 }))]);
    return b;
  };
  // White in atari in the centre extends to three liberties: not a ladder.
  assert.deepEqual(laddered(stones(new Board(7, 7), [[3, 3]], [[2, 3], [3, 2], [4, 3]])), []);
  // Black also beside the extension point: extending leaves one liberty, captured.
  assert.deepEqual(laddered(stones(new Board(7, 7), [[3, 3]], [[2, 3], [3, 2], [4, 3], [2, 4], [4, 4]])), ['3,3:']);
  // A first-line stone in atari runs along the edge and is captured there.
  assert.deepEqual(laddered(stones(new Board(5, 5), [[0, 0]], [[1, 0]])), ['0,0:']);
  // Two liberties in the corner: either atari starts a working ladder.
  assert.deepEqual(laddered(stones(new Board(5, 5), [[0, 0]], [[2, 0]])), ['0,0:0,1/1,0']);
  // A white stone on the edge ladder's path gives the runner enough liberties to escape.
  assert.deepEqual(laddered(stones(new Board(5, 5), [[0, 0], [0, 3]], [[1, 0]])), []);
});

test('ladder features: laddered stones (14), working moves only against the opponent (17)', () => {
  // White stone at A5 on a 5x5 board with black at C5; black to move.
  const blackToMove = history(5, 'tromp-taylor', 7.5, [['B', 'C5'], ['W', 'A5']]);
  const f = computeFeatures(blackToMove, BLACK);
  assert.equal(at(f, 0, 0, 14), 1);
  assert.deepEqual(plane(f, 17), ['.1...', '1....', '.....', '.....', '.....']);
  // The board one move ago had no white stone: no ladder there (15); two moves ago neither (16).
  assert.deepEqual(plane(f, 15).join(''), '.'.repeat(25));
  const whiteToMove = history(5, 'tromp-taylor', 7.5, [['B', 'C5'], ['W', 'A5'], ['B', 'C3']]);
  const g = computeFeatures(whiteToMove, WHITE);
  assert.equal(at(g, 0, 0, 14), 1, 'white stone is laddered whoever moves');
  assert.equal(plane(g, 17).join(''), '.'.repeat(25), 'no working moves against own stones');
  assert.equal(at(g, 0, 0, 15), 1, 'and was laddered one move ago');
});

test('stones, liberties, ko point and the last moves', () => {
  // Black E4 captures white D4 in a ko; white may not retake at D4 at once.
  const h = history(7, 'chinese', 7.5, [
    ['B', 'D5'], ['W', 'E5'], ['B', 'C4'], ['W', 'D4'], ['B', 'D3'], ['W', 'F4'], ['B', 'A1'], ['W', 'E3'], ['B', 'E4'],
  ]);
  const f = computeFeatures(h, WHITE);
  assert.deepEqual(plane(f, 6), ['.......', '.......', '.......', '...1...', '.......', '.......', '.......']);
  assert.equal(at(f, 4, 3, 2), 1, 'black E4 is an opponent stone');
  assert.equal(at(f, 4, 3, 3), 1, 'with one liberty');
  assert.equal(at(f, 4, 2, 1), 1, 'white E5 is an own stone');
  assert.equal(at(f, 4, 2, 4), 1, 'with two liberties');
  assert.equal(at(f, 0, 6, 5), 0, 'black A1 has two liberties, not three');
  assert.equal(at(f, 0, 6, 4), 1);
  assert.equal(at(f, 4, 3, 9), 1, 'last move E4');
  assert.equal(at(f, 4, 4, 10), 1, 'own move before: E3');
  assert.equal(at(f, 0, 6, 11), 1, 'opponent move before that: A1');
  assert.equal(at(f, 5, 3, 12), 1, 'own F4');
  assert.equal(at(f, 3, 4, 13), 1, 'opponent D3');
  for (let i = 0; i < 5; i++) assert.equal(f.global[i], 0, 'no passes');
});

test('passes: history flags, pass-ends-game flag, and friendly-pass rules hiding both', () => {
  const tt = history(9, 'tromp-taylor', 7.5, [['B', 'E5'], ['W', 'pass']]);
  const f = computeFeatures(tt, BLACK);
  assert.equal(f.global[0], 1, 'opponent passed');
  assert.equal(f.global[14], 1, 'a pass would end the game');
  assert.equal(at(f, 4, 4, 10), 1, 'own move two turns ago');
  const ch = history(9, 'chinese', 7.5, [['B', 'E5'], ['W', 'pass']]);
  const g = computeFeatures(ch, BLACK);
  assert.equal(g.global[0], 0, 'history hidden under friendly-pass rules');
  assert.equal(g.global[14], 0);
  assert.equal(at(g, 4, 4, 10), 0);
});

test('komi: territory scoring counts stones played, handicap bonus counts leading black moves', () => {
  const jp = history(9, 'japanese', 6.5, [['B', 'E5']]);
  assert.equal(computeFeatures(jp, WHITE).global[5], (6.5 + 1) / 20);
  assert.equal(computeFeatures(jp, WHITE).global[9], 1, 'territory scoring');
  assert.equal(computeFeatures(jp, WHITE).global[18], 0, 'no parity wave for territory scoring');
  // Chinese rules give white one point per handicap stone; a white pass between black moves keeps it a handicap game.
  const hc = history(9, 'chinese', 0.5, [['B', 'C3'], ['W', 'pass'], ['B', 'G7']]);
  assert.equal(hc.whiteHandicapBonusScore, 2);
  assert.equal(computeFeatures(hc, WHITE).global[5], 2.5 / 20);
  const even = history(9, 'chinese', 7.5, [['B', 'C3'], ['W', 'G7'], ['B', 'C7']]);
  assert.equal(even.whiteHandicapBonusScore, 0);
});

test('komi parity wave: triangle wave through the komis that allow a draw', () => {
  const wave = (size: number, komi: number, pla: 1 | 2): number => computeFeatures(new KataGoHistory({ width: size, rules: rulesPreset('tromp-taylor').rules, komi }), pla).global[18];
  assert.equal(wave(19, 7.5, WHITE), 0.5); // odd area: draws possible at odd komi; 7.5 is 0.5 above 7
  assert.equal(wave(19, 7, WHITE), 0);
  assert.equal(wave(19, 8, WHITE), 0);
  assert.equal(wave(19, 6.5, WHITE), -0.5);
  assert.equal(wave(19, 7.5, BLACK), -0.5);
  assert.equal(wave(8, 7.5, WHITE), -0.5); // even area: draws at even komi
  assert.equal(wave(8, 6.5, WHITE), 0.5);
});

test('the position without history (kata-raw-nn for the other player) keeps the stones-played komi bonus', () => {
  const h = history(7, 'japanese', 6.5, [
    ['B', 'D5'], ['W', 'E5'], ['B', 'C4'], ['W', 'D4'], ['B', 'D3'], ['W', 'F4'], ['B', 'A1'], ['W', 'E3'], ['B', 'E4'],
  ]);
  assert.equal(h.whiteBonusScore, 1);
  const fresh = h.withoutHistory(BLACK);
  assert.equal(fresh.toMove, BLACK);
  assert.equal(fresh.whiteBonusScore, 1, 'captured white D4 still counts as a white move');
  assert.equal(fresh.board.koLoc, PASS, 'the ko ban is lifted');
  const f = computeFeatures(fresh, BLACK);
  assert.equal(plane(f, 9).join('').includes('1'), false, 'no move history');
  assert.equal(f.global[5], -(6.5 + 1) / 20);
});

test('a cloned history plays on independently and gives the features of a replay', () => {
  const moves: [string, string][] = [['B', 'D4'], ['W', 'C3'], ['B', 'pass'], ['W', 'E5']];
  const h = history(7, 'japanese', 6.5, moves.slice(0, 3));
  const c = h.clone();
  c.play(c.board.locOfPoint(parseGtpVertex('E5', 7, 7)), WHITE);
  assert.equal(h.game.moves.length, 3);
  assert.equal(h.toMove, WHITE);
  assert.equal(h.whiteBonusScore, 0);
  const replayed = history(7, 'japanese', 6.5, moves);
  assert.deepEqual(computeFeatures(c, BLACK), computeFeatures(replayed, BLACK));
  assert.deepEqual(computeFeatures(h, WHITE), computeFeatures(history(7, 'japanese', 6.5, moves.slice(0, 3)), WHITE));
});

test('the legality map computed with the features equals the rules engine\'s, for both players, under simple ko and superko', () => {
  // White's D5 has just captured E5: Black may not retake at E5 (simple ko; superko too).
  const moves: [string, string][] = [['B', 'D4'], ['W', 'E4'], ['B', 'C5'], ['W', 'F5'], ['B', 'D6'], ['W', 'E6'], ['B', 'E5'], ['W', 'D5']];
  for (const rules of ['tromp-taylor', 'japanese', 'chinese']) {
    const h = history(7, rules, 7, moves);
    assert.equal(h.game.isLegal(h.board.loc(4, 2), BLACK), false, 'the ko retake is illegal');
    for (const pla of [BLACK, WHITE] as const) {
      const f = computeFeatures(h, pla);
      for (let y = 0; y < 7; y++) {
        for (let x = 0; x < 7; x++) {
          assert.equal(f.legal[y * 7 + x], h.game.isLegal(h.board.loc(x, y), pla) ? 1 : 0, `${rules} ${pla} (${x}, ${y})`);
        }
      }
    }
  }
});
