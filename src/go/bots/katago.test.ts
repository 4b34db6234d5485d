import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../engine/backend.js';
import { BLACK, PASS, WHITE } from '../board/coords.js';
import { Game } from '../board/game.js';
import { rulesPreset } from '../board/rules.js';
import { KataGoEvaluator } from '../katago/evaluator.js';
import { KataGoHistory } from '../katago/history.js';
import { MctsSearch } from '../search/search.js';
import { KataGoBot } from './katago.js';
import { RandomBot } from './random.js';

const MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'katago', 'g170-b6c96-s175395328-d26788732.bin.gz');
const skip = existsSync(MODEL) ? false : `KataGo network not found at ${MODEL}`;
const TT = rulesPreset('tromp-taylor').rules;

test('victim with 1 visit plays the raw policy\'s most likely move; with 16 visits it searches and plays legally', { skip, timeout: 120_000 }, async () => {
  await initBackend();
  const ev = KataGoEvaluator.fromFile(MODEL, { cacheEntries: 1000 });
  const h = new KataGoHistory({ width: 9, rules: TT, komi: 7 });
  for (const [x, y] of [[4, 4], [2, 6], [6, 2]]) h.play(h.board.loc(x, y), h.toMove);
  const [e] = ev.evaluateSync([{ history: h, symmetry: 0 }]);
  let best = -1;
  let bestP = e.policyPass;
  e.policy.forEach((p, i) => { if (p > bestP) { bestP = p; best = i; } });
  const expected = best < 0 ? PASS : h.board.loc(best % 9, Math.floor(best / 9));
  const raw = new MctsSearch(ev, { maxVisits: 1 }, { symmetry: 0 });
  const r = await raw.genMove(h);
  assert.equal(r.move, expected);
  assert.equal(r.rootVisits, 1);
  assert.equal(r.evals, 1);

  const game = new Game({ width: 9, rules: TT, komi: 7 });
  const victim = new KataGoBot(ev, { visits: 16, seed: 1 });
  const random = new RandomBot(2);
  for (let i = 0; i < 6; i++) {
    const color = game.toMove;
    const mv = color === BLACK ? await victim.genMove(game, color) : await random.genMove(game, color);
    assert.equal(typeof mv, 'number');
    assert.equal(game.illegalReason(mv as number, color), null);
    game.play(mv as number, color);
    if (color === BLACK) {
      assert.equal(victim.lastResult!.rootVisits, 16);
      assert.ok(victim.lastResult!.winrate > 0 && victim.lastResult!.winrate < 1);
    }
  }
  // Asked for the colour not to move (as GTP allows), it answers for that colour.
  const other = await victim.genMove(game, game.toMove === BLACK ? WHITE : BLACK);
  assert.equal(game.illegalReason(other as number, game.toMove === BLACK ? WHITE : BLACK), null);
  ev.dispose();
});

test('glassbox go gtp --model: genmove searches with the network', { skip, timeout: 120_000 }, async () => {
  const { GtpClient } = await import('../gtp/client.js');
  const bin = join(fileURLToPath(new URL('../../../', import.meta.url)), 'bin/glassbox.js');
  const client = GtpClient.spawn(process.execPath, [bin, 'go', 'gtp', '--model', MODEL, '--visits', '4', '--passing', 'avoid-pass-alive-territory'], { timeoutMs: 60_000 });
  try {
    assert.match(await client.send('name'), /katago \(4 visits, avoid-pass-alive-territory\)/);
    await client.send('boardsize 9');
    await client.send('clear_board');
    await client.send('play B E5');
    const reply = await client.send('genmove W');
    assert.match(reply, /^[A-HJ][1-9]$/);
    assert.notEqual(reply, 'E5');
  } finally {
    await client.close();
  }
});
