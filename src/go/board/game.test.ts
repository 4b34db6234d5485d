import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../engine/rng.js';
import { Game } from './game.js';
import { BLACK, EMPTY, PASS, WHITE, type Color, parseGtpVertex, parseColor } from './coords.js';
import { parseRules, rulesPreset, rulesToJson, RULE_PRESET_NAMES, presetNameOf } from './rules.js';
import { kataGoAreaScore, scoreGame, trompTaylorOwnership } from './scoring.js';
import { calculateArea, independentLifeArea, passAliveArea } from './benson.js';

function at(g: Game, v: string): number {
  return g.board.locOfPoint(parseGtpVertex(v, g.width, g.height));
}
/** Setup stones from { B: 'A1 B2', W: '...' } in GTP vertices. */
function stonesOn(width: number, height: number, spec: Record<string, string>): { x: number; y: number; color: Color }[] {
  return Object.entries(spec).flatMap(([c, vs]) =>
    vs.split(/\s+/).filter(Boolean).map((v) => {
      const p = parseGtpVertex(v, width, height);
      if (p === 'pass') throw new Error('pass in setup');
      return { ...p, color: parseColor(c) };
    }),
  );
}

// Two separate kos on a 9x9 board (see the test below): ko 1 with a white stone at B8 that black
// can take at C8; ko 2 with a black stone at C4 that white can take at B4.
const DOUBLE_KO = {
  B: 'B9 A8 B7 B5 A4 B3 C4',
  W: 'C9 D8 C7 B8 C5 D4 C3',
};

function doubleKoGame(ko: 'SIMPLE' | 'POSITIONAL' | 'SITUATIONAL'): Game {
  const rules = { ...rulesPreset('tromp-taylor').rules, ko };
  return new Game({ width: 9, rules, setup: stonesOn(9, 9, DOUBLE_KO) });
}

test('rules presets and JSON match KataGo', () => {
  assert.equal(rulesToJson(rulesPreset('tromp-taylor').rules), '{"friendlyPassOk":false,"hasButton":false,"ko":"POSITIONAL","scoring":"AREA","suicide":true,"tax":"NONE","whiteHandicapBonus":"0"}');
  assert.equal(rulesToJson(rulesPreset('japanese').rules), '{"friendlyPassOk":false,"hasButton":false,"ko":"SIMPLE","scoring":"TERRITORY","suicide":false,"tax":"SEKI","whiteHandicapBonus":"0"}');
  assert.equal(rulesToJson(rulesPreset('aga-button').rules), '{"friendlyPassOk":true,"hasButton":true,"ko":"SITUATIONAL","scoring":"AREA","suicide":false,"tax":"NONE","whiteHandicapBonus":"N-1"}');
  assert.equal(rulesPreset('stone-scoring').rules.tax, 'ALL');
  assert.equal(rulesPreset('chinese-kgs').rules.ko, 'POSITIONAL');
  assert.equal(rulesPreset('Chinese').rules.ko, 'SIMPLE');
  assert.equal(rulesPreset('new-zealand').rules.suicide, true);
  assert.equal(rulesPreset('aga-button').komi, 7);
  assert.equal(rulesPreset('new-zealand').komi, 7, "KataGo's new-zealand komi is 7");
  // Presets KataGo's parser accepts beyond the documented eleven, with their aliases.
  assert.equal(rulesToJson(rulesPreset('ancient-territory').rules), '{"friendlyPassOk":false,"hasButton":false,"ko":"SIMPLE","scoring":"TERRITORY","suicide":false,"tax":"ALL","whiteHandicapBonus":"0"}');
  assert.equal(rulesToJson(rulesPreset('ing').rules), '{"friendlyPassOk":true,"hasButton":false,"ko":"POSITIONAL","scoring":"AREA","suicide":true,"tax":"NONE","whiteHandicapBonus":"0"}');
  assert.equal(rulesToJson(rulesPreset('ancient area').rules), rulesToJson(rulesPreset('stone-scoring').rules));
  assert.equal(RULE_PRESET_NAMES.length, 13);
  const j = parseRules('{"ko":"SIMPLE","scoring":"TERRITORY"}');
  assert.equal(j.rules.tax, 'SEKI', 'tax defaults to SEKI under territory scoring');
  assert.equal(j.rules.suicide, true, 'other fields default to tromp-taylor');
  assert.equal(presetNameOf(parseRules(rulesToJson(rulesPreset('korean').rules)).rules), 'japanese');
  assert.throws(() => parseRules('{"ko":"SPIGHTY"}'), /rules field 'ko' must be one of/);
  assert.throws(() => parseRules('{"komi":7.5}'), /unknown rules option 'komi'/);
  assert.equal(parseRules('{"komi":6}', true).komi, 6);
  // Without komi, KataGo's default for the rules: 6.5 territory, 7 with a button, else 7.5.
  assert.deepEqual(['{"scoring":"TERRITORY"}', '{"hasButton":true}', '{}', 'koSIMPLEscoreTERRITORY', 'koSITUATIONALbutton1'].map((t) => parseRules(t, true).komi), [6.5, 7, 7.5, 6.5, 7]);
  assert.throws(() => parseRules('{"ko":'), /could not parse rules JSON/);
  assert.throws(() => parseRules('martian'), /unknown rules 'martian'/);
  // KataGo's compact form (what it writes in SGF RU).
  const c = parseRules('koSITUATIONALscoreAREAtaxNONEsui0whbN-1fpok1komi7', true);
  assert.equal(rulesToJson(c.rules), rulesToJson(rulesPreset('aga').rules));
  assert.equal(c.komi, 7);
  assert.equal(parseRules('koSIMPLEscoreTERRITORY').rules.tax, 'SEKI');
  assert.throws(() => parseRules('koSIMPLEscoreAREAkomi7.5'), /komi is not accepted here/);
  assert.throws(() => parseRules('koSPIGHTscoreAREA'), /ko must be followed by one of SIMPLE, POSITIONAL, SITUATIONAL/);
});

test('superko: a double-ko cycle that repeats a position with the other player to move', () => {
  // B takes ko 1, W takes ko 2, B passes, W retakes ko 1, and B retaking ko 2 would recreate the
  // starting stones with white to move (they first occurred with black to move).
  for (const [ko, legal] of [['SIMPLE', true], ['POSITIONAL', false], ['SITUATIONAL', true]] as const) {
    const g = doubleKoGame(ko);
    g.play(at(g, 'C8'), BLACK);
    assert.equal(g.board.at(1, 1), EMPTY, 'B8 captured');
    assert.equal(g.illegalReason(at(g, 'B8'), WHITE), ko === 'SIMPLE' ? 'ko recapture' : `${ko.toLowerCase()} superko`);
    g.play(at(g, 'B4'), WHITE);
    g.play(PASS, BLACK);
    g.play(at(g, 'B8'), WHITE);
    assert.equal(g.isLegal(at(g, 'C4'), BLACK), legal, `${ko}: retaking ko 2`);
    // Retaking ko 1 at C8 is banned under all three rules (simple ko point; and the stones after
    // W B4 recur, which also happened with white to move after black's pass); ko 2 only positionally.
    assert.deepEqual(g.koBanned(BLACK), ko === 'POSITIONAL' ? [at(g, 'C8'), at(g, 'C4')] : [at(g, 'C8')], `${ko}: ko-banned points`);
    if (!legal) assert.match(g.illegalReason(at(g, 'C4'), BLACK)!, /positional superko/);
  }
});

test('undo restores position, ko state and superko history', () => {
  const g = doubleKoGame('POSITIONAL');
  const h0 = [g.board.hashLo, g.board.hashHi];
  g.play(at(g, 'C8'), BLACK);
  g.play(at(g, 'B4'), WHITE);
  assert.ok(g.undo());
  assert.ok(g.undo());
  assert.deepEqual([g.board.hashLo, g.board.hashHi], h0);
  assert.equal(g.moves.length, 0);
  assert.equal(g.toMove, BLACK);
  assert.ok(g.isLegal(at(g, 'C8')));
  assert.equal(g.undo(), false);
});

test('two consecutive passes end the game; a move in between resets the count', () => {
  const g = new Game({ width: 5 });
  g.play(PASS);
  assert.equal(g.isOver, false);
  g.play(at(g, 'C3'));
  g.play(PASS);
  g.play(PASS);
  assert.equal(g.isOver, true);
  assert.throws(() => g.play(at(g, 'C3')), /illegal move B C3: point is occupied/);
});

test("button rules (KataGo's): the button-taking pass does not count towards the two that end the game, and starts a fresh superko history", () => {
  for (const name of ['aga-button', 'aga'] as const) {
    const g = new Game({ width: 9, rules: rulesPreset(name).rules, komi: 7, setup: stonesOn(9, 9, DOUBLE_KO) });
    g.play(at(g, 'C8'), BLACK); // takes ko 1
    g.play(PASS, WHITE); // takes the button under aga-button
    g.play(PASS, BLACK);
    assert.equal(g.isOver, name === 'aga', `${name}: over after W pass, B pass?`);
    // White retaking ko 1 recreates the starting stones with black to move: a situational-superko
    // repetition, except that under button rules that position had the button still on the table.
    assert.equal(g.isLegal(at(g, 'B8'), WHITE), name === 'aga-button', `${name}: W B8`);
  }
  const g = new Game({ width: 5, rules: rulesPreset('aga-button').rules, komi: 7 });
  for (const c of [BLACK, WHITE] as const) g.play(PASS, c);
  assert.equal(g.isOver, false, 'button taken, one ending pass');
  g.play(PASS, BLACK);
  assert.equal(g.isOver, true);
  assert.equal(scoreGame(g).whiteMinusBlack, 7 - 0.5, 'black took the button');
  g.undo();
  assert.equal(g.isOver, false, 'undo replays the button rule');
});

test("simple ko (KataGo's rule): a pass ends the game when that player already passed in the same position, even without two passes in a row", () => {
  for (const name of ['chinese', 'chinese-ogs'] as const) {
    const g = new Game({ width: 9, rules: rulesPreset(name).rules, setup: stonesOn(9, 9, DOUBLE_KO) });
    g.play(PASS, BLACK);
    g.play(at(g, 'B4'), WHITE); // takes ko 2
    g.play(at(g, 'C8'), BLACK); // takes ko 1
    g.play(PASS, WHITE);
    g.play(at(g, 'C4'), BLACK); // retakes ko 2
    if (name === 'chinese-ogs') {
      assert.match(g.illegalReason(at(g, 'B8'), WHITE)!, /positional superko/, 'positional superko forbids the cycle instead');
      continue;
    }
    g.play(at(g, 'B8'), WHITE); // retakes ko 1: the starting position, black to move, where black passed
    assert.equal(g.isOver, false);
    const h = g.clone();
    g.play(PASS, BLACK);
    assert.equal(g.consecutivePasses, 1);
    assert.equal(g.isOver, true, 'black passed here before');
    h.play(PASS, BLACK);
    assert.equal(h.isOver, true, 'clone keeps the pass history');
    g.undo();
    assert.equal(g.isOver, false);
    g.play(at(g, 'E5'), BLACK);
    assert.equal(g.isOver, false, 'a move after the end resumes the game');
  }
});

test('Tromp-Taylor area scoring counts stones and single-colour regions, removes nothing', () => {
  const spec = { B: 'C1 C2 C3 C4 C5', W: 'D1 D2 D3 D4 D5' };
  const g = new Game({ width: 5, komi: 0.5, setup: stonesOn(5, 5, spec) });
  let s = scoreGame(g);
  assert.deepEqual([s.black, s.white], [15, 10]);
  assert.equal(s.result, 'B+4.5');
  // A white stone left inside black's area: it counts for white, and the region reaches both colours.
  const g2 = new Game({ width: 5, komi: 0.5, setup: stonesOn(5, 5, { ...spec, W: spec.W + ' A1' }) });
  s = scoreGame(g2);
  assert.deepEqual([s.black, s.white], [5, 11]);
  assert.equal(s.result, 'W+6.5');
  const own = trompTaylorOwnership(g2.board);
  assert.equal(own[0], EMPTY);
  assert.equal(own[4], WHITE);
  // Declared dead, it is removed first.
  s = scoreGame(g2, [at(g2, 'A1')]);
  assert.deepEqual([s.black, s.white], [15, 10]);
  // Territory scoring: empty points plus prisoners (the dead stone is one).
  g2.setRules(rulesPreset('japanese').rules);
  s = scoreGame(g2, [at(g2, 'A1')]);
  assert.deepEqual([s.black, s.white], [10 + 1, 5]);
  assert.equal(s.result, 'B+5.5');
  // An empty board is a draw before komi; komi 0 gives result 0.
  const e = new Game({ width: 9, komi: 0 });
  assert.equal(scoreGame(e).result, '0');
});

test('Benson: two vital regions make a chain pass-alive; one eye does not; dead stones inside', () => {
  // Black column B plus A3: two separate one-/two-point eyes on the A file.
  const alive = new Game({ width: 5, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5 A3' }) });
  let area = passAliveArea(alive.board, false);
  const idx = (g: Game, v: string): number => g.board.indexOf(at(g, v));
  for (const v of ['B1', 'A3', 'A1', 'A2', 'A4', 'A5']) assert.equal(area[idx(alive, v)], BLACK, v);
  assert.equal(area[idx(alive, 'D3')], EMPTY, 'the big open region is not pass-alive territory');
  area = calculateArea(alive.board, false, { safeBigTerritories: true });
  assert.equal(area[idx(alive, 'D3')], BLACK, 'but is a safe big territory');
  // Only one eye: nothing is pass-alive.
  const oneEye = new Game({ width: 5, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5' }) });
  area = passAliveArea(oneEye.board, false);
  assert.ok(area.every((c) => c === EMPTY));
  // A white stone inside one of the eyes is unconditionally dead: it lies in black's area.
  const withDead = new Game({ width: 5, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5 A3', W: 'A1' }) });
  area = passAliveArea(withDead.board, false);
  assert.equal(area[idx(withDead, 'A1')], BLACK);
  assert.equal(area[idx(withDead, 'B3')], BLACK);
  // A chain with three one-point eyes next to a white wall that has no eyes.
  const shared = new Game({ width: 5, setup: stonesOn(5, 5, { B: 'A2 B2 B1 B3 B4 B5 A4', W: 'C1 C2 C3 C4 C5' }) });
  area = passAliveArea(shared.board, false);
  assert.equal(area[idx(shared, 'A1')], BLACK);
  assert.equal(area[idx(shared, 'A5')], BLACK);
  assert.equal(area[idx(shared, 'C3')], EMPTY, 'white wall with no eyes of its own is not pass-alive');
});

test('random legal games under every preset: every move checked, superko history consistent with replay', () => {
  const rng = new Rng(11);
  for (const name of RULE_PRESET_NAMES) {
    const { rules, komi } = rulesPreset(name);
    const g = new Game({ width: 5, height: 4, rules, komi });
    for (let i = 0; i < 120 && !g.isOver; i++) {
      const legal = g.legalMoves();
      const loc = legal.length && rng.float() < 0.95 ? legal[rng.int(legal.length)] : PASS;
      g.play(loc);
    }
    const copy = g.clone();
    const replay = new Game({ width: 5, height: 4, rules, komi });
    for (const m of g.moves) replay.play(m.loc, m.color);
    for (const other of [copy, replay]) {
      assert.equal(other.board.hashLo, g.board.hashLo);
      assert.equal(other.toMove, g.toMove);
      assert.deepEqual(other.legalMoves(), g.legalMoves());
    }
    if (g.moves.length && !g.isOver) {
      copy.play(copy.legalMoves()[0] ?? PASS);
      assert.equal(copy.moves.length, g.moves.length + 1, 'the copy is independent');
    }
  }
});

const positionsFile = fileURLToPath(new URL('../../../../shared/katago/reference/positions.jsonl', import.meta.url));

test('every game in shared/katago/reference/positions.jsonl is legal, and illegal points match KataGo', { skip: !existsSync(positionsFile) && `no ${positionsFile} (shared data absent)` }, () => {
  const lines = readFileSync(positionsFile, 'utf8').split('\n').filter((l) => l.trim());
  assert.ok(lines.length > 100);
  for (const [n, line] of lines.entries()) {
    const p = JSON.parse(line) as { width: number; height: number; rules: string; komi: number; moves: [string, string][]; toMove: string; output: { policy: (number | null)[] } };
    const { rules } = rulesPreset(p.rules);
    const g = new Game({ width: p.width, height: p.height, rules, komi: p.komi });
    for (const [c, v] of p.moves) {
      const loc = g.board.locOfPoint(parseGtpVertex(v, p.width, p.height));
      const color = parseColor(c);
      const why = g.illegalReason(loc, color);
      assert.equal(why, null, `position ${n}: move ${c} ${v} should be legal`);
      g.play(loc, color);
    }
    assert.equal(g.toMove, parseColor(p.toMove), `position ${n}: player to move`);
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) {
        const kataIllegal = p.output.policy[y * p.width + x] === null;
        assert.equal(!g.isLegal(g.board.loc(x, y)), kataIllegal, `position ${n}: legality of (${x},${y}) for ${p.toMove}`);
      }
    }
  }
});

test('independent-life area: dame-touching (seki-like) regions drop out; group tax ALL takes two points per region', () => {
  // Columns A..G on a 7x2 board: A empty, B black, C white, D empty, E white, F black, G empty.
  const stones = stonesOn(7, 2, { B: 'B1 B2 F1 F2', W: 'C1 C2 E1 E2' });
  const g = new Game({ width: 7, height: 2, komi: 0, setup: stones });
  const ind = independentLifeArea(g.board, true, { keepStones: true });
  assert.deepEqual([ind.blackRegions, ind.whiteRegions], [2, 1]);
  assert.deepEqual([...ind.area.slice(0, 7)], [BLACK, BLACK, WHITE, WHITE, WHITE, BLACK, BLACK]);
  assert.equal(scoreGame(g).result, 'B+2', 'Tromp-Taylor: 8 to 6');
  g.setRules(rulesPreset('stone-scoring').rules);
  const s = scoreGame(g);
  assert.deepEqual([s.black, s.white], [8 - 4, 6 - 2]);
  assert.equal(s.result, '0');
  // With an empty column between the walls (dame), both sides' regions touch dame and count nothing.
  const dame = new Game({ width: 5, komi: 0, rules: rulesPreset('stone-scoring').rules, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5', W: 'D1 D2 D3 D4 D5' }) });
  const d = independentLifeArea(dame.board, false, { keepStones: true });
  assert.deepEqual([d.blackRegions, d.whiteRegions], [0, 0]);
  assert.equal([...d.area].join(''), '0102001020010200102001020', 'only the stones remain (kept by keepStones)');
  assert.equal(scoreGame(dame).result, '0');
});

test('calculateArea: unsafe big territories never overwrite; non-pass-alive stones keep their colour', () => {
  const g = new Game({ width: 5, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5 A3', W: 'A1 D3' }) });
  const idx = (v: string): number => g.board.indexOf(at(g, v));
  const area = calculateArea(g.board, false, { nonPassAliveStones: true, safeBigTerritories: true, unsafeBigTerritories: true });
  assert.equal(area[idx('A1')], BLACK, 'dead white stone in black pass-alive territory');
  assert.equal(area[idx('D3')], WHITE, 'white stone that is not pass-alive keeps its colour');
  assert.equal(area[idx('E5')], EMPTY, 'the C-E region contains a white stone: no big territory for black');
  const plain = passAliveArea(g.board, false);
  assert.equal(plain[idx('D3')], EMPTY);
});

test('handicap stones and white handicap bonus (counted as KataGo does)', () => {
  const at2 = (g: Game, v: string): number => at(g, v);
  const g = new Game({ width: 9, rules: rulesPreset('chinese').rules, komi: 0.5 });
  g.play(at2(g, 'C3'), BLACK);
  assert.equal(g.handicapStones(), 0, 'one black move is an ordinary start');
  g.play(PASS, WHITE);
  g.play(at2(g, 'G7'), BLACK);
  g.play(at2(g, 'E5'), WHITE);
  assert.equal(g.handicapStones(), 2, 'black moves interleaved with an isolated white pass');
  // Chinese gives white N = 2 points, aga N - 1 = 1, tromp-taylor none.
  const chinese = scoreGame(g);
  g.setRules(rulesPreset('aga').rules);
  assert.equal(scoreGame(g).whiteMinusBlack, chinese.whiteMinusBlack - 1);
  g.setRules(rulesPreset('tromp-taylor').rules);
  assert.equal(scoreGame(g).whiteMinusBlack, chinese.whiteMinusBlack - 2);
  // KataGo adds the bonus under territory scoring too, when the rules ask for it.
  g.setRules(parseRules('{"scoring":"TERRITORY","whiteHandicapBonus":"N"}').rules);
  const territoryN = scoreGame(g).whiteMinusBlack;
  g.setRules(parseRules('{"scoring":"TERRITORY"}').rules);
  assert.equal(territoryN, scoreGame(g).whiteMinusBlack + 2);
  const setup = new Game({ width: 9, setup: stonesOn(9, 9, { B: 'C3 G7 G3' }), toMove: WHITE });
  assert.equal(setup.handicapStones(), 3);
  const twoWhite = new Game({ width: 9 });
  twoWhite.play(at2(twoWhite, 'C3'), BLACK);
  twoWhite.play(at2(twoWhite, 'C4'), BLACK);
  twoWhite.play(at2(twoWhite, 'D4'), WHITE);
  twoWhite.play(at2(twoWhite, 'D5'), WHITE);
  assert.equal(twoWhite.handicapStones(), 2, 'KataGo counted the two black moves before white moved and keeps that count');
  const passes = new Game({ width: 9 });
  for (const [c, v] of [[BLACK, 'C3'], [BLACK, 'C4'], [WHITE, 'pass'], [WHITE, 'pass'], [BLACK, 'D4']] as const) passes.play(v === 'pass' ? PASS : at2(passes, v), c);
  assert.equal(passes.handicapStones(), 0, 'two white moves in a row before the last black move: a set-up position, not handicap');
});

test("KataGo's area score counts stones inside pass-alive territory for its owner; Tromp-Taylor does not", () => {
  const g = new Game({ width: 5, komi: 0.5, setup: stonesOn(5, 5, { B: 'B1 B2 B3 B4 B5 A3', W: 'A1 D3' }) });
  // Tromp-Taylor: A1 (white) is counted for white and A2 reaches both colours; the C-E region reaches both.
  const tt = scoreGame(g);
  assert.deepEqual([tt.black, tt.white], [6 + 2, 2]);
  // KataGo: black's pass-alive area is the A file and the B file (A1's white stone is dead); D3 is
  // not pass-alive and stays white; the C-E region holds a white stone, so no big territory for black.
  const k = kataGoAreaScore(g);
  assert.deepEqual([k.black, k.white], [10, 1]);
  assert.equal(k.result, 'B+8.5');
  g.setRules(rulesPreset('japanese').rules);
  assert.throws(() => kataGoAreaScore(g), /only area scoring/);
});
