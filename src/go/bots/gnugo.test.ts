import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Game } from '../board/game.js';
import { BLACK, PASS, WHITE, parseGtpVertex } from '../board/coords.js';
import { rulesPreset } from '../board/rules.js';
import { scoreGame } from '../board/scoring.js';
import { findExecutable } from '../gtp/client.js';
import { GtpEngineBot } from './gtp-engine.js';
import { RandomBot } from './random.js';
import { playGame } from './play-game.js';

const gnugo = findExecutable('gnugo');

// GNU Go with rules matching KataGo's tromp-taylor: area scoring, positional superko, multi-stone
// suicide allowed (single-stone suicide is illegal in both).
const GNUGO_ARGS = ['--mode', 'gtp', '--level', '1', '--chinese-rules', '--allow-suicide', '--positional-superko', '--seed', '1'];

test('real 9x9 games between GNU Go and the random bot under Tromp-Taylor: every move legal both ways, area scores agree', { skip: !gnugo && 'gnugo not installed (Debian package gnugo; .ci/run installs it)', timeout: 120_000 }, async (t) => {
  const engine = GtpEngineBot.spawn(gnugo!, GNUGO_ARGS, { name: 'gnugo', timeoutMs: 30_000 });
  try {
    const { rules } = rulesPreset('tromp-taylor');
    for (let i = 0; i < 2; i++) {
      const gnugoColor = i % 2 === 0 ? BLACK : WHITE;
      const game = new Game({ width: 9, rules, komi: 7.5 });
      // The random bot answers a pass with a pass: GNU Go passes with dead random stones still on
      // the board, and a bot that plays on while it has moves would never end the game.
      const random = new RandomBot(100 + i, { passAfterPass: true });
      const bots = gnugoColor === BLACK ? { black: engine, white: random } : { black: random, white: engine };
      // playGame checks GNU Go's moves with our rules engine; ours reach GNU Go through `play`
      // before its next genmove, which it refuses if it thinks them illegal.
      const played = await playGame(game, bots, 600);
      await engine.sync(game);
      assert.equal(played.end, 'passes', `game ${i} ended by two passes`);
      assert.ok(game.moves.filter((m) => m.loc !== PASS).length > 20, 'a real game was played');
      // GNU Go's score removes the stones it judges dead; removing the same stones, our area count
      // must give the same result. Exact Tromp-Taylor (nothing removed) differs by design whenever
      // dead stones remain on the board.
      const theirs = await engine.client.send('final_score');
      const deadText = await engine.client.send('final_status_list dead');
      const dead = deadText.split(/\s+/).filter(Boolean).map((v) => game.board.locOfPoint(parseGtpVertex(v, 9, 9)));
      const ours = scoreGame(game, dead);
      assert.equal(ours.result, theirs, `game ${i}: area score after removing GNU Go's dead stones`);
      const tt = scoreGame(game);
      t.diagnostic(`game ${i}: gnugo ${gnugoColor === BLACK ? 'black' : 'white'}, ${game.moves.length} moves, gnugo final_score ${theirs}, ${dead.length} dead stones, exact Tromp-Taylor ${tt.result}`);
      if (dead.length === 0) assert.equal(tt.result, theirs, 'with no dead stones Tromp-Taylor equals GNU Go');
    }
  } finally {
    await engine.close();
  }
});
