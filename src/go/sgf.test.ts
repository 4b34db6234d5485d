import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../engine/rng.js';
import { Game } from './board/game.js';
import { BLACK, PASS, WHITE } from './board/coords.js';
import { rulesPreset, rulesToJson } from './board/rules.js';
import { gameFromSgf, parseSgf, writeSgf } from './sgf.js';

const TT = rulesPreset('tromp-taylor');

test('reads size, komi, rules, players, result, setup, moves, passes and comments', () => {
  const text = `(;FF[4]GM[1]SZ[9:13]KM[6.5]RU[Japanese]PB[Alice]PW[Bob \\] Jr]RE[W+R]C[root]AB[aa][bb:cc]AW[ia]AE[bc]
    ;W[ee]C[first\\\\move];B[];W[tt];B[im]
    (;W[ff])(;W[gg]))`;
  const s = parseSgf(text, 'test.sgf');
  assert.equal(s.width, 9);
  assert.equal(s.height, 13);
  assert.equal(s.komi, 6.5);
  assert.equal(s.rules?.scoring, 'TERRITORY');
  assert.equal(s.playerWhite, 'Bob ] Jr');
  assert.equal(s.result, 'W+R');
  assert.equal(s.comment, 'root');
  assert.deepEqual(s.setup.map((p) => `${p.x},${p.y},${p.color}`).sort(), ['0,0,1', '1,1,1', '2,1,1', '2,2,1', '8,0,2'], 'bb:cc expanded, bc cleared by AE');
  assert.deepEqual(s.moves.map((m) => (m.point === 'pass' ? 'pass' : `${m.point.x},${m.point.y}`)), ['4,4', 'pass', 'pass', '8,12', '5,5']);
  assert.equal(s.moves[0].color, WHITE);
  assert.equal(s.moves[0].comment, 'first\\move');
  const g = gameFromSgf(s, TT, 'test.sgf');
  assert.equal(g.moves.length, 5);
  assert.equal(g.board.at(8, 12), BLACK);
});

test('write then read gives the same game (random games, square and rectangular, with setup)', () => {
  const rng = new Rng(5);
  for (const [w, h, rules] of [[9, 9, 'tromp-taylor'], [7, 11, 'japanese'], [19, 19, 'aga'], [5, 3, '{"ko":"SITUATIONAL","scoring":"AREA","suicide":false}']] as const) {
    const preset = rules.startsWith('{') ? { rules: { ...TT.rules, ko: 'SITUATIONAL' as const, suicide: false }, komi: 0 } : rulesPreset(rules);
    const g = new Game({ width: w, height: h, rules: preset.rules, komi: preset.komi, setup: [{ x: 1, y: 1, color: BLACK }, { x: w - 1, y: h - 1, color: WHITE }] });
    for (let i = 0; i < 60 && !g.isOver; i++) {
      const legal = g.legalMoves();
      g.play(legal.length && rng.float() < 0.9 ? legal[rng.int(legal.length)] : PASS);
    }
    const text = writeSgf(g, { playerBlack: 'b[1]', playerWhite: 'w\\2', result: 'B+1.5', comment: 'hello ] world', moveComments: ['c1'] });
    const s = parseSgf(text);
    assert.equal(s.playerBlack, 'b[1]');
    assert.equal(s.playerWhite, 'w\\2');
    assert.equal(s.comment, 'hello ] world');
    assert.equal(s.moves[0].comment, 'c1');
    const back = gameFromSgf(s, TT);
    assert.equal(back.width, w);
    assert.equal(back.height, h);
    assert.equal(back.komi, g.komi);
    assert.equal(rulesToJson(back.rules), rulesToJson(g.rules));
    assert.deepEqual(back.moves, g.moves);
    assert.equal(back.board.hashLo, g.board.hashLo);
    assert.equal(back.board.hashHi, g.board.hashHi);
    assert.equal(writeSgf(back, { playerBlack: 'b[1]', playerWhite: 'w\\2', result: 'B+1.5', comment: 'hello ] world', moveComments: ['c1'] }), text);
  }
});

test('malformed files are rejected with clear errors', () => {
  const bad: [string, RegExp][] = [
    ['', /empty SGF/],
    ['(;SZ[9];B[aa]', /unbalanced '\('/],
    ['(;SZ[9];B[aa]))', /unbalanced '\)'/],
    ['(;SZ[9;B[aa])', /SZ\[9;B\[aa\] must be a number or 'width:height'/],
    ['(;SZ[9];B[aa', /unterminated property value/],
    ['hello (;SZ[9])', /expected '\(' to start a game tree/],
    ['(;SZ[9];B[zz])', /node 1: B\[zz\]: SGF point 'zz' is off the 9x9 board/],
    ['(;SZ[9];B[a])', /invalid SGF point 'a'/],
    ['(;SZ[27])', /SZ\[27\]: board width must be an integer from 2 to 19/],
    ['(;SZ[nine])', /SZ\[nine\] must be a number/],
    ['(;SZ[9]KM[lots])', /bad\.sgf: KM\[lots\]: komi is not a number/],
    ['(;SZ[9]KM[0x10])', /bad\.sgf: KM\[0x10\]: komi is not a number/],
    ['(;SZ[9]KM[6.4])', /bad\.sgf: KM\[6\.4\]: komi must be an integer or half-integer/],
    ['(;SZ[9]KM[999])', /bad\.sgf: KM\[999\]: unacceptable komi 999/],
    ['(;SZ[9];B[aa](;W[bb]);W[cc])', /bad\.sgf:1:22: ';' after a variation \(expected '\(' or '\)'\)/],
    ['(;SZ[9]AB[aa][bb]AW[cc][bb])', /bad\.sgf: point bb is in both AB and AW/],
    ['(;GM[3]SZ[9])', /not a Go game/],
    ['(;SZ[9];B[aa]W[bb])', /has both B and W moves/],
    ['(;SZ[9];B[aa][bb])', /property B must have one value/],
    ['(;SZ[9]B)', /property B has no value/],
  ];
  assert.equal(parseSgf('(;SZ[9]RU[koPOSITIONALscoreAREAtaxNONEsui1komi7.5])').rules?.ko, 'POSITIONAL', "KataGo's compact RU");
  assert.equal(parseSgf('(;SZ[9]RU[Ing SST])').rules, null, 'unknown RU: rules left to the caller');
  for (const [text, re] of bad) assert.throws(() => parseSgf(text, 'bad.sgf'), re, JSON.stringify(text));
  assert.throws(() => gameFromSgf(parseSgf('(;SZ[9];B[aa];W[aa])'), TT, 'x.sgf'), /x\.sgf: move 2 \(W\[aa\]\) is illegal: point is occupied/);
  assert.throws(() => gameFromSgf(parseSgf('(;SZ[5]AW[ab][ba];B[aa])'), TT), /move 1 \(B\[aa\]\) is illegal: single-stone suicide/);
});
