import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GtpEngine } from './engine.js';
import { GtpClient, GtpError } from './client.js';
import { RandomBot } from '../bots/random.js';

async function session(engine: GtpEngine, lines: string[]): Promise<string> {
  let out = '';
  for (const l of lines) out += (await engine.handleLine(l)) ?? '';
  return out;
}

test('GTP framing: ids echoed, comments and blank lines ignored, errors answered and the engine continues', async () => {
  const e = new GtpEngine({ bot: new RandomBot(1) });
  assert.equal(await e.handleLine(''), null);
  assert.equal(await e.handleLine('   # just a comment'), null);
  assert.equal(await e.handleLine('7 protocol_version # trailing comment'), '=7 2\n\n');
  assert.equal(await e.handleLine('protocol_version'), '= 2\n\n');
  assert.equal(await e.handleLine('\tboardsize\t9\r'), '= \n\n');
  assert.equal(await e.handleLine('12 frobnicate'), '?12 unknown command\n\n');
  assert.equal(await e.handleLine('3 play B I5'), "?3 invalid vertex 'I5': expected a column letter A-T (no I) and a row number, or pass\n\n");
  assert.equal(await e.handleLine('play B'), '? expected play COLOR VERTEX, got 1 argument\n\n');
  assert.equal(await e.handleLine('play B K5'), "? vertex 'K5' is off the 9x9 board\n\n");
  assert.equal(await e.handleLine('play B Z99'), "? vertex 'Z99' is off the 9x9 board\n\n");
  assert.equal(await e.handleLine('boardsize 25'), '? unacceptable size (2 to 19)\n\n');
  assert.equal(await e.handleLine('komi 7.3'), '? komi must be an integer or half-integer, got 7.3\n\n');
  assert.equal(await e.handleLine('4 known_command genmove'), '=4 true\n\n');
  assert.equal(await e.handleLine('known_command kata-raw-nn'), '= false\n\n');
  assert.match((await e.handleLine('name'))!, /^= glassbox random/);
  assert.equal(await e.handleLine('99'), '?99 missing command\n\n');
  assert.equal(await e.handleLine('play b e5'), '= \n\n', 'still works after errors');
  assert.equal(await e.handleLine('play w e5'), '? illegal move: point is occupied\n\n');
  assert.equal(await e.handleLine('undo'), '= \n\n');
  assert.equal(await e.handleLine('undo'), '? cannot undo\n\n');
  assert.equal(await e.handleLine('quit'), '= \n\n');
  assert.ok(e.quitRequested);
});

test('GTP board commands: rectangular sizes, play, genmove, showboard, scoring, rules', async () => {
  const e = new GtpEngine({ bot: new RandomBot(2) });
  assert.equal(await e.handleLine('boardsize 9 13'), '= \n\n', 'boardsize accepts WIDTH HEIGHT as KataGo does');
  assert.equal(e.game.width, 9);
  assert.equal(e.game.height, 13);
  assert.equal(await e.handleLine('rectangular_boardsize 5 3'), '= \n\n');
  assert.equal(await e.handleLine('play b A3'), '= \n\n');
  assert.equal(e.game.board.at(0, 0), 1, 'A3 is the top-left point of a 5x3 board');
  const show = (await e.handleLine('showboard'))!;
  assert.match(show, /^= \n   A B C D E\n 3 X \. \. \. \.\n 2 \. \. \. \. \.\n 1 \. \. \. \. \.\nwhite to move/);
  assert.ok(!/\n\n./.test(show), 'no blank line inside a reply');
  const gm = (await e.handleLine('genmove w'))!;
  assert.match(gm, /^= ([A-E][1-3]|pass)\n\n$/);
  assert.equal(e.game.moves.length, 2);
  // Rules: presets and JSON, komi kept.
  await e.handleLine('komi 3');
  assert.equal(await e.handleLine('kata-set-rules chinese'), '= \n\n');
  assert.equal(await e.handleLine('kata-get-rules'), '= {"friendlyPassOk":true,"hasButton":false,"ko":"SIMPLE","scoring":"AREA","suicide":false,"tax":"NONE","whiteHandicapBonus":"N"}\n\n');
  assert.equal(await e.handleLine('get_komi'), '= 3\n\n', 'kata-set-rules does not change komi');
  assert.equal(await e.handleLine('kata-set-rules {"ko":"SITUATIONAL","scoring":"TERRITORY"}'), '= \n\n');
  assert.equal(await e.handleLine('kata-get-rules'), '= {"friendlyPassOk":false,"hasButton":false,"ko":"SITUATIONAL","scoring":"TERRITORY","suicide":true,"tax":"SEKI","whiteHandicapBonus":"0"}\n\n');
  assert.equal(await e.handleLine('kata-set-rule ko POSITIONAL'), '= \n\n');
  assert.equal(e.game.rules.ko, 'POSITIONAL');
  assert.match((await e.handleLine('kata-set-rules nonsense'))!, /^\? Unknown rules 'nonsense', unknown rules 'nonsense'/);
  // Tromp-Taylor final score: a 5x5 board split by two walls.
  await session(e, ['kata-set-rules tromp-taylor', 'boardsize 5', 'clear_board', 'komi 0.5']);
  for (const v of ['C1', 'C2', 'C3', 'C4', 'C5']) await e.handleLine(`play b ${v}`);
  for (const v of ['D1', 'D2', 'D3', 'D4', 'D5']) await e.handleLine(`play w ${v}`);
  assert.equal(await e.handleLine('final_score'), '= B+4.5\n\n');
});

test("boardsize and komi accept what KataGo accepts (SIZE, W H, W:H, rectangular_boardsize SIZE; komi within +-400, decimal)", async () => {
  const e = new GtpEngine({ bot: new RandomBot(7) });
  assert.equal(await e.handleLine('boardsize 7:5'), '= \n\n');
  assert.deepEqual([e.game.width, e.game.height], [7, 5]);
  assert.equal(await e.handleLine('rectangular_boardsize 9'), '= \n\n');
  assert.deepEqual([e.game.width, e.game.height], [9, 9]);
  assert.equal(await e.handleLine('rectangular_boardsize 6:4'), '= \n\n');
  assert.deepEqual([e.game.width, e.game.height], [6, 4]);
  assert.equal(await e.handleLine('boardsize 7:5:3'), "? boardsize needs integers, got '7:5:3'\n\n");
  assert.equal(await e.handleLine('boardsize 7:1'), '? unacceptable size (2 to 19)\n\n');
  assert.equal(await e.handleLine('komi 400'), '= \n\n');
  assert.equal(await e.handleLine('komi -250.5'), '= \n\n');
  assert.equal(e.game.komi, -250.5);
  assert.equal(await e.handleLine('komi 1e1'), '= \n\n');
  assert.equal(e.game.komi, 10);
  assert.equal(await e.handleLine('komi 400.5'), '? unacceptable komi 400.5: expected a number from -400 to 400\n\n');
  assert.equal(await e.handleLine('komi 0x10'), "? komi is not a number: '0x10'\n\n");
  assert.equal(await e.handleLine('komi Infinity'), "? komi is not a number: 'Infinity'\n\n");
  assert.equal(e.game.komi, 10, 'a refused komi leaves komi alone');
  assert.equal(await e.handleLine('kata-set-rules ing'), '= \n\n');
  assert.equal(await e.handleLine('kata-set-rules ancient-territory'), '= \n\n');
});

test('final_status_list uses pass-alive areas: stones inside the opponent pass-alive territory are dead', async () => {
  const e = new GtpEngine({ bot: new RandomBot(3) });
  await session(e, ['boardsize 5', 'kata-set-rules japanese', 'komi 0']);
  for (const v of ['B1', 'B2', 'B3', 'B4', 'B5', 'A3']) await e.handleLine(`play b ${v}`);
  await e.handleLine('play w A1');
  assert.equal(await e.handleLine('final_status_list dead'), '= A1\n\n');
  assert.equal(await e.handleLine('final_status_list alive'), '= B5 B4 A3 B3 B2 B1\n\n');
  assert.equal(await e.handleLine('final_status_list seki'), '= \n\n');
  // Territory: black's five eye points (A1 now empty after removal) plus the dead stone as a prisoner;
  // the open area C-E reaches only black too.
  assert.equal(await e.handleLine('final_score'), '= B+20\n\n');
});

test('loadsgf and printsgf round trip through a file; bad files give errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-gtp-'));
  const file = join(dir, 'g.sgf');
  writeFileSync(file, '(;GM[1]SZ[7]KM[5.5]RU[chinese];B[dd];W[cc];B[ee];W[])');
  const e = new GtpEngine({ bot: new RandomBot(4) });
  assert.equal(await e.handleLine(`loadsgf ${file}`), '= black\n\n');
  assert.equal(e.game.moves.length, 4);
  assert.equal(e.game.komi, 5.5);
  assert.equal(e.game.rules.ko, 'SIMPLE');
  assert.equal(await e.handleLine(`loadsgf ${file} 3`), '= black\n\n', 'position before move 3');
  assert.equal(e.game.moves.length, 2);
  const out = join(dir, 'out.sgf');
  assert.equal(await e.handleLine(`printsgf ${out}`), '= \n\n');
  assert.match(readFileSync(out, 'utf8'), /^\(;FF\[4\]GM\[1\]CA\[UTF-8\]AP\[glassbox:[^\]]+\]SZ\[7\]KM\[5\.5\]RU\[chinese\]\n;B\[dd\]\n;W\[cc\]\)\n$/);
  const reply = (await e.handleLine('printsgf'))!;
  assert.match(reply, /^= \(;FF\[4\].*\n;B\[dd\]\n;W\[cc\]\)\n\n$/s);
  writeFileSync(file, '(;GM[1]SZ[7];B[dd];W[dd])');
  assert.equal(await e.handleLine(`loadsgf ${file}`), `? ${file}: move 2 (W[dd]) is illegal: point is occupied\n\n`);
  assert.equal(e.game.moves.length, 2, 'a failed loadsgf leaves the game alone');
  assert.match((await e.handleLine(`loadsgf ${join(dir, 'missing.sgf')}`))!, /^\? cannot read .*missing\.sgf: ENOENT/);
});

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

test('glassbox go gtp as a child process, driven by the GTP client', async () => {
  const c = GtpClient.spawn(process.execPath, [join(repoRoot, 'bin/glassbox.js'), 'go', 'gtp', '--seed', '5'], { name: 'glassbox', timeoutMs: 30_000 });
  try {
    assert.equal(await c.send('protocol_version'), '2');
    await c.send('boardsize 7');
    await c.send('play b D4');
    const mv = await c.send('genmove white');
    assert.match(mv, /^([A-G][1-7]|pass)$/);
    await assert.rejects(c.send('play b D4'), (e: unknown) => e instanceof GtpError && /illegal move: point is occupied/.test(e.message));
    await assert.rejects(c.send('bogus'), /refused 'bogus': unknown command/);
    const board = await c.send('showboard');
    assert.match(board, / 4 \. \. \. X/);
    assert.equal(await c.send('kata-get-rules'), '{"friendlyPassOk":false,"hasButton":false,"ko":"POSITIONAL","scoring":"AREA","suicide":true,"tax":"NONE","whiteHandicapBonus":"0"}');
  } finally {
    await c.close();
  }
  assert.equal(c.isAlive, false);
});

test('commands can be added later (how kata-raw-nn will plug in)', async () => {
  const e = new GtpEngine({ bot: new RandomBot(6) });
  e.registerCommand('echo-args', (a) => a.join(','));
  assert.equal(await e.handleLine('5 echo-args x y'), '=5 x,y\n\n');
  assert.equal(await e.handleLine('known_command echo-args'), '= true\n\n');
  assert.throws(() => e.registerCommand('bad name', () => ''), /invalid GTP command name/);
});

const modelFile = join(repoRoot, '../shared/katago/g170-b6c96-s175395328-d26788732.bin.gz');
const positionsFile = join(repoRoot, '../shared/katago/reference/positions.jsonl');

test('glassbox go gtp --model answers kata-raw-nn like KataGo for a reference position (results contract)', { skip: !(existsSync(modelFile) && existsSync(positionsFile)) && 'shared/katago absent', timeout: 60_000 }, async () => {
  const p = JSON.parse(readFileSync(positionsFile, 'utf8').split('\n')[2]) as { width: number; height: number; rules: string; komi: number; moves: [string, string][]; symmetry: number; output: { whiteWin: number; policy: (number | null)[] } };
  const c = GtpClient.spawn(process.execPath, [join(repoRoot, 'bin/glassbox.js'), 'go', 'gtp', '--model', modelFile], { name: 'glassbox', timeoutMs: 50_000 });
  try {
    await c.send(p.width === p.height ? `boardsize ${p.width}` : `rectangular_boardsize ${p.width} ${p.height}`);
    await c.send('clear_board');
    await c.send(`kata-set-rules ${p.rules}`);
    await c.send(`komi ${p.komi}`);
    for (const [color, v] of p.moves) await c.send(`play ${color} ${v}`);
    const out = await c.send(`kata-raw-nn ${p.symmetry}`);
    const whiteWin = Number(/whiteWin (\S+)/.exec(out)![1]);
    assert.ok(Math.abs(whiteWin - p.output.whiteWin) < 1e-3, `whiteWin ${whiteWin} vs KataGo ${p.output.whiteWin}`);
    const policy = out.slice(out.indexOf('policy') + 6).split(/\s+/).filter(Boolean).slice(0, p.width * p.height);
    policy.forEach((v, i) => {
      const ref = p.output.policy[i];
      if (ref === null) assert.equal(v, 'NAN');
      else assert.ok(Math.abs(Number(v) - ref) < 1e-3, `policy ${i}`);
    });
  } finally {
    await c.close();
  }
});
