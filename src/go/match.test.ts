import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rulesPreset } from './board/rules.js';
import { scoreGame } from './board/scoring.js';
import { createBot, parseBotSpec } from './bots/spec.js';
import { findExecutable } from './gtp/client.js';
import { type MatchConfig, readLedger, runMatch, summarizeMatch, wilsonInterval } from './match.js';
import { gameFromSgf, parseSgf } from './sgf.js';

const TT = rulesPreset('tromp-taylor').rules;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

test('Wilson interval matches the closed form (checked values)', () => {
  // 8 of 10: centre (0.8 + 1.92/10)/1.384, half-width 1.96*sqrt(0.016 + 0.0096)/1.384.
  const [lo, hi] = wilsonInterval(8, 10);
  assert.ok(Math.abs(lo - 0.4901625) < 1e-6 && Math.abs(hi - 0.9433178) < 1e-6, `${lo} ${hi}`);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
  const [l0, h0] = wilsonInterval(0, 20);
  assert.equal(l0, 0);
  assert.ok(Math.abs(h0 - 0.161125) < 1e-5);
});

test('match summary: the win-rate interval is on the reported rate, draws counting half', () => {
  const config: MatchConfig = { botA: 'random', botB: 'edge', games: 4, size: 5, komi: 0, seed: 1, alternate: true, maxMoves: 60 };
  const rec = (index: number, winnerBot: 'A' | 'B' | null): ReturnType<typeof readLedger>[number] =>
    ({ index, sgf: '', blackBot: 'A', winnerColor: null, winnerBot, result: '0', end: 'passes', moves: 10, seconds: 0 });
  const s = summarizeMatch(config, [rec(0, null), rec(1, null), rec(2, null), rec(3, 'A')]);
  assert.equal(s.winRate.A, 0.625);
  assert.deepEqual(s.winRateCI95.A, wilsonInterval(2.5, 4));
  const allDraws = summarizeMatch(config, [0, 1, 2, 3].map((i) => rec(i, null)));
  for (const m of [s, allDraws]) {
    for (const k of ['A', 'B'] as const) assert.ok(m.winRateCI95[k][0] <= m.winRate[k] && m.winRate[k] <= m.winRateCI95[k][1], `${k}: rate ${m.winRate[k]} inside its interval`);
  }
});

function checkSgfs(dir: string, records: ReturnType<typeof readLedger>, komi: number): void {
  for (const r of records) {
    const sgf = parseSgf(readFileSync(join(dir, r.sgf), 'utf8'), r.sgf);
    const g = gameFromSgf(sgf, { rules: TT, komi });
    assert.equal(g.moves.length, r.moves, `${r.sgf}: move count`);
    assert.equal(sgf.result, r.result);
    if (r.end !== 'resign') assert.equal(scoreGame(g).result, r.result, `${r.sgf}: Tromp-Taylor score of the replayed game`);
  }
}

test('match: a crash after some games loses none of them; a rerun plays only the rest; SGFs replay to their results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-match-'));
  const config: MatchConfig = { botA: 'random', botB: 'edge', games: 5, size: 5, komi: 0.5, seed: 3, alternate: true, maxMoves: 60 };
  let made = 0;
  await assert.rejects(
    runMatch(dir, config, {
      makeBot: (spec, seed) => {
        if (++made > 6) throw new Error('simulated crash');
        return createBot(parseBotSpec(spec), { seed });
      },
    }),
    /simulated crash/,
  );
  const before = readLedger(dir);
  assert.deepEqual(before.map((r) => r.index), [0, 1, 2]);
  const sgfBefore = before.map((r) => readFileSync(join(dir, r.sgf), 'utf8'));
  // A torn final line (a write cut short) is ignored.
  appendFileSync(join(dir, 'games.jsonl'), '{"index":3,"sg');
  const played: number[] = [];
  const all = await runMatch(dir, config, { makeBot: (spec, seed) => createBot(parseBotSpec(spec), { seed }), onGame: (r) => played.push(r.index) });
  assert.deepEqual(played, [3, 4]);
  assert.deepEqual(all.map((r) => r.index), [0, 1, 2, 3, 4]);
  assert.deepEqual(readLedger(dir).map((r) => r.index), [0, 1, 2, 3, 4], 'the torn line was cut off, not glued to the next record');
  const firstThree = await runMatch(dir, { ...config, games: 3 }, { makeBot: () => { throw new Error('unreachable'); } });
  assert.deepEqual(firstThree.map((r) => r.index), [0, 1, 2], 'a shorter rerun reports only its own games');
  before.forEach((r, i) => assert.equal(readFileSync(join(dir, r.sgf), 'utf8'), sgfBefore[i]));
  assert.deepEqual(all.map((r) => r.blackBot), ['A', 'B', 'A', 'B', 'A']);
  checkSgfs(dir, all, 0.5);
  const s = summarizeMatch(config, all);
  assert.equal(s.games, 5);
  assert.equal(s.wins.A + s.wins.B + s.wins.draws, 5);
  assert.equal(s.winsAsBlack.A + s.winsAsWhite.A, s.wins.A);
  // Komi the SGF files (and KataGo) could not take back is refused before any game is played.
  await assert.rejects(runMatch(mkdtempSync(join(tmpdir(), 'gb-match-')), { ...config, komi: 1000 }, { makeBot: () => { throw new Error('unreachable'); } }), /match: unacceptable komi 1000/);
  await assert.rejects(runMatch(mkdtempSync(join(tmpdir(), 'gb-match-')), { ...config, komi: 0.25 }, { makeBot: () => { throw new Error('unreachable'); } }), /match: komi must be an integer or half-integer/);
  // Different settings refuse to resume into the same directory.
  await assert.rejects(runMatch(dir, { ...config, komi: 7 }, { makeBot: () => { throw new Error('unreachable'); } }), /komi/);
});

const gnugo = findExecutable('gnugo');

function runCli(args: string[], signalAfterGames: { count: number; signal: NodeJS.Signals } | null, dir: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/glassbox.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sent = false;
    const timer = signalAfterGames
      ? setInterval(() => {
          if (!sent && readLedger(dir).length >= signalAfterGames.count) {
            sent = true;
            child.kill(signalAfterGames.signal);
          }
        }, 20)
      : null;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal });
    });
  });
}

test('glassbox go match: killed (SIGKILL), stopped (SIGINT) and rerun, no finished game is lost', { skip: !gnugo && 'gnugo not installed (Debian package gnugo)', timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-match-cli-'));
  const args = ['go', 'match', '--black', 'gnugo:level=1', '--white', 'random:pass-after-pass=1', '--games', '5', '--size', '7', '--komi', '7', '--out', dir, '--seed', '2'];
  const killed = await runCli(args, { count: 1, signal: 'SIGKILL' }, dir);
  assert.equal(killed.signal, 'SIGKILL');
  const afterKill = readLedger(dir);
  assert.ok(afterKill.length >= 1 && afterKill.length < 5, `${afterKill.length} games before the kill`);
  const sgfs = afterKill.map((r) => readFileSync(join(dir, r.sgf), 'utf8'));
  const stopped = await runCli(args, { count: afterKill.length + 1, signal: 'SIGINT' }, dir);
  assert.equal(stopped.code, 0, 'SIGINT: finishes the game in progress, writes the report and exits normally');
  const afterStop = readLedger(dir);
  assert.ok(afterStop.length > afterKill.length);
  const partial = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(partial.summary.games, afterStop.length);
  assert.equal(partial.summary.complete, afterStop.length === 5);
  const done = await runCli(args, null, dir);
  assert.equal(done.code, 0);
  const all = readLedger(dir);
  assert.deepEqual(all.map((r) => r.index).sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  afterKill.forEach((r, i) => assert.equal(readFileSync(join(dir, r.sgf), 'utf8'), sgfs[i], 'finished games untouched'));
  checkSgfs(dir, all, 7);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.summary.games, 5);
  assert.equal(results.summary.complete, true);
  assert.ok(existsSync(join(dir, 'report.html')));
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /data:image\/png;base64,/);
  assert.match(html, /<svg/);
});
