import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { BLACK, PASS, WHITE } from '../board/coords.js';
import { Game } from '../board/game.js';
import { rulesPreset } from '../board/rules.js';
import { AttackBot, edgeMove, mirrorMove, mirrorPoint, spiralMove } from './attacks.js';
import { parseBotSpec, createBot } from './spec.js';
import { RandomBot } from './random.js';

const TT = rulesPreset('tromp-taylor').rules;
const ring = (g: Game, loc: number): number => Math.max(Math.abs(g.board.xOf(loc) - Math.floor(g.width / 2)), Math.abs(g.board.yOf(loc) - Math.floor(g.height / 2)));

test('pass attack always passes', async () => {
  const g = new Game({ width: 9, rules: TT });
  const bot = new AttackBot('pass');
  assert.equal(await bot.genMove(g, BLACK), PASS);
  g.play(g.board.loc(4, 4), BLACK);
  assert.equal(await bot.genMove(g, WHITE), PASS);
});

test('edge attack: random legal moves on the outermost ring that still has one, deterministic per seed', () => {
  const g = new Game({ width: 7, rules: TT });
  const rng = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 24; i++) {
    const loc = edgeMove(g, BLACK, rng);
    assert.equal(ring(g, loc), 3, 'on the edge while the edge has legal moves');
    seen.add(loc);
    g.play(loc, BLACK);
    g.play(PASS, WHITE);
  }
  assert.equal(seen.size, 24, 'the whole edge (24 points) filled');
  // Edge full: the next ring in.
  assert.equal(ring(g, edgeMove(g, BLACK, rng)), 2);
  const a = new Game({ width: 9, rules: TT });
  assert.equal(edgeMove(a, BLACK, new Rng(5)), edgeMove(a, BLACK, new Rng(5)));
});

test('spiral attack: walks the outer ring by angle, then moves inward', () => {
  const g = new Game({ width: 5, rules: TT });
  const seq: string[] = [];
  for (let i = 0; i < 17; i++) {
    const loc = spiralMove(g, BLACK);
    seq.push(`${g.board.xOf(loc)},${g.board.yOf(loc)}`);
    g.play(loc, BLACK);
    g.play(PASS, WHITE);
  }
  // Centre (2,2); largest atan2(dy, dx) first: the ring goes by decreasing angle from pi.
  assert.equal(seq[0], '0,2', 'angle pi: straight left of the centre');
  const first16 = seq.slice(0, 16).map((s) => s.split(',').map(Number));
  for (const [x, y] of first16) assert.equal(Math.max(Math.abs(x - 2), Math.abs(y - 2)), 2);
  assert.equal(new Set(seq.slice(0, 16)).size, 16, 'the 16 ring points, each once');
  const angles = first16.map(([x, y]) => Math.atan2(y - 2, x - 2));
  for (let i = 1; i < angles.length; i++) assert.ok(angles[i] < angles[i - 1], 'angle decreases around the ring');
  const [x, y] = seq[16].split(',').map(Number);
  assert.equal(Math.max(Math.abs(x - 2), Math.abs(y - 2)), 1, 'then the next ring in');
});

test('mirror attack: reflection through the centre, transposed on the anti-diagonal, nearest legal point otherwise', async () => {
  assert.deepEqual(mirrorPoint(2, 3, 9, 9), { x: 6, y: 5 });
  // On the anti-diagonal x = W-1-y go_attack transposes, which on a square board is the same point.
  assert.deepEqual(mirrorPoint(3, 5, 9, 9), { x: 5, y: 3 });
  assert.deepEqual(mirrorPoint(1, 2, 5, 7), { x: 3, y: 4 }, 'rectangular: through the centre');
  const g = new Game({ width: 9, rules: TT });
  const bot = new AttackBot('mirror');
  g.play(g.board.loc(2, 3), BLACK);
  const m = (await bot.genMove(g, WHITE)) as number;
  assert.deepEqual([g.board.xOf(m), g.board.yOf(m)], [6, 5]);
  const h = new Game({ width: 9, rules: TT });
  h.play(h.board.loc(4, 4), BLACK);
  const m3 = mirrorMove(h, WHITE);
  const d = Math.abs(h.board.xOf(m3) - 4) + Math.abs(h.board.yOf(m3) - 4);
  assert.equal(d, 1, 'tengen is taken: a point at L1 distance 1');
  h.play(PASS, WHITE);
  h.play(PASS, BLACK);
  assert.equal(mirrorMove(h, WHITE), PASS, 'a pass is mirrored by a pass');
});

test('pass-when-winning wrapper passes after an opponent pass only when that wins', async () => {
  // A white wall down the middle (black passing meanwhile): the whole board is white's by Tromp-Taylor.
  const g = new Game({ width: 5, rules: TT, komi: 0.5 });
  for (let y = 0; y < 5; y++) {
    g.play(PASS, BLACK);
    g.play(g.board.loc(2, y), WHITE);
  }
  g.play(PASS, BLACK);
  g.play(PASS, WHITE);
  assert.equal(g.isOver, true);
  g.undo();
  g.undo();
  g.play(g.board.loc(0, 0), BLACK);
  g.play(PASS, WHITE);
  const bot = new AttackBot('edge', { passWhenWinning: true, seed: 1 });
  const last = g.moves[g.moves.length - 1];
  assert.equal(last.loc, PASS);
  assert.equal(last.color, WHITE);
  assert.notEqual(await bot.genMove(g, BLACK), PASS, 'black would lose by passing');
  const g2 = new Game({ width: 5, rules: TT, komi: 0.5 });
  g2.play(g2.board.loc(2, 2), BLACK);
  g2.play(PASS, WHITE);
  assert.equal(await new AttackBot('edge', { passWhenWinning: true }).genMove(g2, BLACK), PASS, 'black owns the board: pass wins');
});

test('bot specs: parse, options checked, clear errors', () => {
  assert.deepEqual(parseBotSpec('katago:/a/b:c.bin.gz:visits=64:threads=2'), { kind: 'katago', path: '/a/b:c.bin.gz', options: { visits: '64', threads: '2' }, text: 'katago:/a/b:c.bin.gz:visits=64:threads=2' });
  assert.equal(parseBotSpec('gnugo:level=10').options.level, '10');
  assert.throws(() => parseBotSpec('katago:visits=3'), /needs a model path/);
  assert.throws(() => parseBotSpec('leela'), /unknown bot 'leela'/);
  assert.throws(() => createBot(parseBotSpec('edge:visits=3'), { seed: 0 }), /unknown option 'visits' for edge/);
  assert.throws(() => createBot(parseBotSpec('gnugo:level=11'), { seed: 0 }), /level must be an integer 0-10/);
  assert.ok(createBot(parseBotSpec('random'), { seed: 0 }) instanceof RandomBot);
  assert.ok(createBot(parseBotSpec('spiral'), { seed: 0 }) instanceof AttackBot);
});
