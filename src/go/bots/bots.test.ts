import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Game } from '../board/game.js';
import { BLACK, PASS, WHITE, parseGtpVertex } from '../board/coords.js';
import { rulesPreset } from '../board/rules.js';
import { RandomBot } from './random.js';
import { GtpEngineBot } from './gtp-engine.js';
import { playGame } from './play-game.js';

test('random bot: deterministic per seed, legal, never fills its own eye-like points, passes only when stuck', async () => {
  const play = async (seed: number): Promise<Game> => {
    const g = new Game({ width: 7, rules: rulesPreset('tromp-taylor').rules });
    const black = new RandomBot(seed);
    const white = new RandomBot(seed + 1);
    const checking = {
      name: 'checked',
      genMove: async (game: Game, color: 1 | 2) => {
        const bot = color === BLACK ? black : white;
        const move = await bot.genMove(game, color);
        assert.notEqual(move, 'resign');
        if (move === PASS) {
          const anyCandidate = game.legalMoves(color).some((loc) => !game.board.isEyeLike(loc, color));
          assert.equal(anyCandidate, false, 'passes only with no legal non-eye move');
        } else {
          assert.equal(game.board.isEyeLike(move as number, color), false);
        }
        return move;
      },
    };
    const r = await playGame(g, { black: checking, white: checking }, 1000);
    assert.equal(r.end, 'passes');
    return g;
  };
  const a = await play(1);
  const b = await play(1);
  const c = await play(2);
  assert.deepEqual(a.moves, b.moves);
  assert.notDeepEqual(a.moves, c.moves);
});

test('random bot with passAfterPass answers a pass with a pass', async () => {
  const g = new Game({ width: 9 });
  g.play(PASS, BLACK);
  assert.equal(await new RandomBot(0, { passAfterPass: true }).genMove(g, WHITE), PASS);
  assert.notEqual(await new RandomBot(0).genMove(g, WHITE), PASS);
});

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

test('GTP engine bot keeps the engine in sync, resyncing from scratch after an undo (against glassbox itself)', { timeout: 60_000 }, async () => {
  const bot = GtpEngineBot.spawn(process.execPath, [join(repoRoot, 'bin/glassbox.js'), 'go', 'gtp', '--seed', '3'], { name: 'glassbox-child', timeoutMs: 30_000 });
  try {
    const g = new Game({ width: 5, height: 7, komi: 0.5 });
    g.play(g.board.locOfPoint(parseGtpVertex('C4', 5, 7)), BLACK);
    const mv = await bot.genMove(g, WHITE);
    assert.equal(typeof mv, 'number');
    g.play(mv as number, WHITE);
    g.play(g.board.locOfPoint(parseGtpVertex('A1', 5, 7)), BLACK);
    const board = async (): Promise<string> => (await bot.client.send('showboard')).split('\n').filter((l) => /^\s*\d+ /.test(l)).join('\n');
    await bot.sync(g);
    assert.equal(await board(), g.board.toString().split('\n').slice(1).join('\n'));
    g.undo();
    g.undo();
    g.play(g.board.locOfPoint(parseGtpVertex('E7', 5, 7)), WHITE);
    await bot.sync(g);
    assert.equal(await board(), g.board.toString().split('\n').slice(1).join('\n'), 'engine position equals ours after a divergent history');
    assert.equal(await bot.client.send('get_komi'), '0.5');
  } finally {
    await bot.close();
  }
});
