import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GtpEngine, GtpStream } from './engine.js';
import { parseAnalyzeArgs } from './analyze-args.js';
import { fmt } from './analysis.js';
import { RandomBot } from '../bots/random.js';
import { Game } from '../board/game.js';
import { parseColor, parseGtpVertex } from '../board/coords.js';
import { rulesPreset } from '../board/rules.js';
import { scoreGame } from '../board/scoring.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = fileURLToPath(new URL('../../../../shared/katago/g170-b6c96-s175395328-d26788732.bin.gz', import.meta.url));

test('analyze arguments parse as KataGo parses them; malformed ones are clear errors', () => {
  const a = parseAnalyzeArgs('kata', ['B', '10', 'ownership', 'true', 'pvVisits', 'true', 'rootInfo', 'true', 'minmoves', '3', 'maxmoves', '5']);
  assert.equal(a.player, 1);
  assert.equal(a.intervalSeconds, 0.1);
  assert.deepEqual([a.ownership, a.pvVisits, a.rootInfo, a.minMoves, a.maxMoves], [true, true, true, 3, 5]);
  const b = parseAnalyzeArgs('kata', ['interval', '50', 'ownershipStdev', 'false', 'movesOwnership', 'true']);
  assert.deepEqual([b.player, b.intervalSeconds, b.ownershipStdev, b.movesOwnership], [null, 0.5, false, true]);
  assert.equal(parseAnalyzeArgs('lz', ['w']).player, 2);
  assert.equal(parseAnalyzeArgs('lz', []).intervalSeconds, null);
  const bad: [string[], RegExp][] = [
    [['B', '10', 'ownership'], /key 'ownership' has no value/],
    [['B', '10', 'ownership', 'maybe'], /ownership must be true or false, got 'maybe'/],
    [['interval', '-5'], /interval must be a number/],
    [['minmoves', '2.5'], /minmoves must be an integer/],
    [['B', 'frob', 'x'], /unknown key 'frob'/],
    [['avoid', 'b', 'D4', '1'], /'avoid' is not supported/],
  ];
  for (const [args, re] of bad) assert.throws(() => parseAnalyzeArgs('kata', args), (e: Error) => /^Could not parse analyze arguments/.test(e.message) && re.test(e.message), args.join(' '));
  assert.throws(() => parseAnalyzeArgs('lz', ['ownership', 'true']), /unknown key 'ownership'/, 'ownership is kata-analyze only');
});

test('numbers print as KataGo (C++ ostream / printf %g) prints them', (t) => {
  const xs = [0.4800184, -0.0408357, 24.70583, 1, 7, 0.5, 1e-7, -3.2e-5, 0.0001, 123456.7, 1234567, 999999.6, -0.000123456789, 0.1 + 0.2, 2.5e21, -1, 0];
  const mine = xs.map(fmt);
  const py = spawnSync('/usr/bin/python3', ['-c', `import sys\nfor a in sys.argv[1:]: print('%g' % float(a))`, ...xs.map(String)], { encoding: 'utf8' });
  if (py.status !== 0) {
    t.skip(`skipped: /usr/bin/python3 not available (${py.error?.message ?? py.stderr})`);
    return;
  }
  assert.deepEqual(mine, py.stdout.trim().split('\n'));
});

test('without a network, kata-analyze and lz-analyze answer a GTP error and the engine continues', async () => {
  const e = new GtpEngine({ bot: new RandomBot(1) });
  assert.equal(await e.handleLine('kata-analyze B 10'), '? kata-analyze needs a network: start the engine with --model FILE\n\n');
  assert.equal(await e.handleLine('2 lz-analyze 10'), '?2 lz-analyze needs a network: start the engine with --model FILE\n\n');
  assert.equal(await e.handleLine('protocol_version'), '= 2\n\n');
});

test('streaming replies: "=" first, lines until the next input line, then the blank line and the next reply', async () => {
  const e = new GtpEngine({ bot: new RandomBot(1) });
  let out = '';
  e.streamOutput = (t) => { out += t; };
  let ticks = 0;
  e.registerCommand('tick', () => new GtpStream(async (write, stop) => {
    while (!stop.stopped) {
      write(`tick ${ticks++}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }));
  assert.equal(await e.handleLine('5 tick'), '=5\n');
  await new Promise((r) => setTimeout(r, 60));
  const reply = await e.handleLine('protocol_version');
  assert.equal(reply, '\n= 2\n\n', 'the stream is closed by a blank line before the next reply');
  const n = ticks;
  assert.ok(n >= 3, `stream wrote ${n} lines`);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(ticks, n, 'no output after the stream was stopped');
  assert.equal(out, Array.from({ length: n }, (_, i) => `tick ${i}\n`).join(''));
  assert.equal(await e.handleLine('tick'), '=\n');
  assert.equal(await e.handleLine('stop'), '\n= \n\n', "KataGo's stop");
  // An empty line also ends a stream (and is otherwise ignored).
  assert.equal(await e.handleLine('tick'), '=\n');
  assert.equal(await e.handleLine(''), '\n');
  assert.equal(await e.handleLine(''), null);
  assert.equal(await e.stopStream(), '', 'nothing left to stop');
});

/** A running `glassbox go gtp` child with line-by-line reading. */
function startEngine(args: string[]) {
  const child = spawn(process.execPath, ['bin/glassbox.js', 'go', 'gtp', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  const nextLine = (timeoutMs = 120_000): Promise<string> => {
    if (queue.length) return Promise.resolve(queue.shift()!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line from the engine within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      waiters.push((l) => { clearTimeout(t); resolve(l); });
    });
  };
  const send = (line: string) => child.stdin.write(`${line}\n`);
  /** Sends a command and returns its reply lines (up to the blank line). */
  const command = async (line: string): Promise<string[]> => {
    send(line);
    const out: string[] = [];
    for (;;) {
      const l = await nextLine();
      if (l === '') return out;
      out.push(l);
    }
  };
  return { child, send, nextLine, command, pending: () => queue.length };
}

interface InfoMove { fields: string[]; values: Map<string, string>; pv: string[]; pvVisits: number[] }

/** Splits a kata-analyze line into its moves, rootInfo and ownership (keys followed by values). */
function parseKataLine(line: string) {
  const words = line.trim().split(/\s+/);
  const moves: InfoMove[] = [];
  let rootInfo: Map<string, string> | null = null;
  let ownership: number[] | null = null;
  let i = 0;
  while (i < words.length) {
    const w = words[i++];
    if (w === 'info') {
      const m: InfoMove = { fields: [], values: new Map(), pv: [], pvVisits: [] };
      while (i < words.length && !['info', 'rootInfo', 'ownership'].includes(words[i])) {
        const key = words[i++];
        m.fields.push(key);
        if (key === 'pv' || key === 'pvVisits') {
          const list: string[] = [];
          while (i < words.length && !['info', 'rootInfo', 'ownership', 'pvVisits'].includes(words[i])) list.push(words[i++]);
          if (key === 'pv') m.pv = list;
          else m.pvVisits = list.map(Number);
        } else {
          m.values.set(key, words[i++]);
        }
      }
      moves.push(m);
    } else if (w === 'rootInfo') {
      rootInfo = new Map();
      while (i < words.length && words[i] !== 'ownership') rootInfo.set(words[i++], words[i++]);
    } else if (w === 'ownership') {
      ownership = words.slice(i).map(Number);
      i = words.length;
    } else {
      throw new Error(`unexpected word '${w}' in analysis line`);
    }
  }
  return { moves, rootInfo, ownership };
}

const KATA_FIELDS = ['move', 'visits', 'edgeVisits', 'utility', 'winrate', 'scoreMean', 'scoreStdev', 'scoreLead', 'scoreSelfplay', 'prior', 'lcb', 'utilityLcb', 'weight', 'order', 'pv', 'pvVisits'];

test('glassbox go gtp --model: kata-analyze streams KataGo-format lines until the next command', { timeout: 300_000 }, async (t) => {
  if (!existsSync(MODEL)) {
    t.skip(`skipped: ${MODEL} not found (the shared KataGo network lives in ../shared/katago next to the repository)`);
    return;
  }
  const e = startEngine(['--model', MODEL, '--visits', '8']);
  try {
    assert.deepEqual(await e.command('boardsize 9'), ['= ']);
    assert.deepEqual(await e.command('play B E5'), ['= ']);
    e.send('kata-analyze W 10 ownership true pvVisits true rootInfo true');
    assert.equal(await e.nextLine(), '=');
    const lines: string[] = [];
    while (lines.length < 4) {
      const l = await e.nextLine();
      assert.match(l, /^info /);
      lines.push(l);
    }
    let lastRootVisits = 0;
    const rootVisits: number[] = [];
    for (const l of lines) {
      const { moves, rootInfo, ownership } = parseKataLine(l);
      assert.ok(moves.length >= 1);
      moves.forEach((m, order) => {
        assert.deepEqual(m.fields, KATA_FIELDS, 'fields and their order as KataGo prints them');
        assert.equal(Number(m.values.get('order')), order);
        const winrate = Number(m.values.get('winrate'));
        assert.ok(winrate >= 0 && winrate <= 1, `winrate ${winrate}`);
        const prior = Number(m.values.get('prior'));
        assert.ok(prior >= 0 && prior <= 1, `prior ${prior}`);
        assert.ok(Number(m.values.get('lcb')) <= winrate);
        assert.ok(Number(m.values.get('utilityLcb')) <= Number(m.values.get('utility')));
        assert.equal(m.values.get('scoreMean'), m.values.get('scoreLead'), 'KataGo reports the lead as scoreMean');
        assert.equal(m.pv[0], m.values.get('move'));
        assert.equal(m.pvVisits.length, m.pv.length);
        assert.equal(m.pvVisits[0], Number(m.values.get('visits')));
        // The PV is a legal continuation: white (the analyzed player) first, alternating.
        const g = new Game({ width: 9, rules: rulesPreset('tromp-taylor').rules, komi: 7.5 });
        g.play(g.board.locOfPoint(parseGtpVertex('E5', 9, 9)), parseColor('B'));
        let color = parseColor('W');
        for (const v of m.pv) {
          const loc = g.board.locOfPoint(parseGtpVertex(v, 9, 9));
          assert.equal(g.illegalReason(loc, color), null, `pv move ${v} in ${m.pv.join(' ')}`);
          g.play(loc, color);
          color = color === 1 ? 2 : 1;
        }
      });
      const sumVisits = moves.reduce((s, m) => s + Number(m.values.get('visits')), 0);
      assert.ok(rootInfo, 'rootInfo present');
      const rv = Number(rootInfo!.get('visits'));
      assert.equal(rv, sumVisits + 1, 'root visits = the moves\' visits + the root evaluation');
      for (const k of ['utility', 'winrate', 'scoreMean', 'scoreStdev', 'scoreLead', 'scoreSelfplay', 'weight', 'rawStWrError', 'rawStScoreError', 'rawVarTimeLeft']) assert.ok(rootInfo!.has(k), `rootInfo ${k}`);
      assert.ok(rv >= lastRootVisits);
      lastRootVisits = rv;
      rootVisits.push(rv);
      assert.equal(ownership?.length, 81, 'ownership has width * height values');
      assert.ok(ownership!.every((v) => v >= -1 && v <= 1));
      // Side to move (White) perspective: Black's E5 stone belongs to Black, so White's ownership of it is negative.
      assert.ok(ownership![4 * 9 + 4] < -0.5, `ownership of E5 from White's view: ${ownership![4 * 9 + 4]}`);
    }
    assert.ok(rootVisits[rootVisits.length - 1] > rootVisits[0], `visits increase: ${rootVisits.join(' ')}`);

    // The next command stops the stream: remaining info lines, one blank line, then its reply.
    e.send('name');
    let l = await e.nextLine();
    while (l.startsWith('info ')) l = await e.nextLine();
    assert.equal(l, '', 'the analysis reply ends with a blank line');
    assert.match(await e.nextLine(), /^= glassbox katago/);
    assert.equal(await e.nextLine(), '');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(e.pending(), 0, 'nothing streamed after the stop');
    assert.deepEqual(await e.command('protocol_version'), ['= 2']);

    // lz-analyze: Leela Zero's integer format.
    e.send('lz-analyze B 10 maxmoves 2');
    assert.equal(await e.nextLine(), '=');
    const lz = await e.nextLine();
    assert.match(lz, /^info move [A-T]\d+ visits \d+ winrate \d+ prior \d+ lcb \d+ order 0 pv [A-T]/);
    assert.ok(lz.split(' info ').length <= 2, 'maxmoves 2');
    e.send('');
    l = await e.nextLine();
    while (l.startsWith('info ')) l = await e.nextLine();
    assert.equal(l, '', 'an empty line ends the analysis');

    // Malformed arguments: an error reply, and the engine carries on.
    const bad = await e.command('kata-analyze B 10 ownership maybe');
    assert.equal(bad.length, 1);
    assert.match(bad[0], /^\? Could not parse analyze arguments or arguments out of range: 'B 10 ownership maybe'/);
    assert.deepEqual(await e.command('3 protocol_version'), ['=3 2']);
  } finally {
    e.child.kill();
  }
});

test('glassbox go gtp --model: final_status_list and final_score use the search ownership; finished games fall back to the rules', { timeout: 300_000 }, async (t) => {
  if (!existsSync(MODEL)) {
    t.skip(`skipped: ${MODEL} not found (the shared KataGo network lives in ../shared/katago next to the repository)`);
    return;
  }
  // 9x9: Black walls off the left side along column D and lives there with two eyes... and White has a
  // lone stone at B5 inside Black's area, in atari. White holds the right side.
  const blackMoves = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9', 'A5', 'C5', 'B4'];
  const whiteMoves = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'B5', 'H3', 'H7'];
  const e = startEngine(['--model', MODEL, '--visits', '8', '--rules', 'chinese', '--komi', '0']);
  const ref = new Game({ width: 9, rules: rulesPreset('chinese').rules, komi: 0 });
  try {
    assert.deepEqual(await e.command('boardsize 9'), ['= ']);
    for (let i = 0; i < blackMoves.length; i++) {
      for (const [c, v] of [['B', blackMoves[i]], ['W', whiteMoves[i]]] as const) {
        assert.deepEqual(await e.command(`play ${c} ${v}`), ['= '], `play ${c} ${v}`);
        if (v !== 'B5') ref.play(ref.board.locOfPoint(parseGtpVertex(v, 9, 9)), parseColor(c));
      }
    }
    const [dead] = await e.command('final_status_list dead');
    assert.equal(dead, '= B5', 'the white stone in atari inside Black\'s area is dead');
    const [alive] = await e.command('final_status_list alive');
    const aliveSet = new Set(alive.slice(2).split(' '));
    assert.equal(aliveSet.size, 23);
    assert.ok(!aliveSet.has('B5'));
    assert.deepEqual(await e.command('final_status_list seki'), ['= ']);
    // Reference: the same position without the dead stone, scored by area (Tromp-Taylor).
    assert.deepEqual(await e.command('final_score'), [`= ${scoreGame(ref).result}`]);
    // After two passes the game is over: the engine answers as it does without a network.
    const plain = new GtpEngine({ bot: new RandomBot(1), rules: 'chinese', komi: 0 });
    await plain.handleLine('boardsize 9');
    for (let i = 0; i < blackMoves.length; i++) {
      await plain.handleLine(`play B ${blackMoves[i]}`);
      await plain.handleLine(`play W ${whiteMoves[i]}`);
    }
    for (const c of ['play B pass', 'play W pass']) {
      assert.deepEqual(await e.command(c), ['= ']);
      await plain.handleLine(c);
    }
    for (const c of ['final_status_list dead', 'final_status_list alive', 'final_score']) {
      assert.equal(`${(await e.command(c)).join('\n')}\n\n`, await plain.handleLine(c), c);
    }
  } finally {
    e.child.kill();
  }
});
