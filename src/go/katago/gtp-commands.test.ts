// kata-raw-nn through the glassbox GTP engine, driven by exactly the GTP commands used to produce
// KataGo's reference outputs, and its argument parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { GtpEngine } from '../gtp/index.js';
import { RandomBot } from '../bots/random.js';
import { KataGoEvaluator } from './evaluator.js';
import { parseRawNnArgs, registerKataGoCommands } from './gtp-commands.js';
import { parseKataRawNn } from './raw-nn-format.js';

const SHARED = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'katago');
const MODEL = join(SHARED, 'g170-b6c96-s175395328-d26788732.bin.gz');
const POSITIONS = join(SHARED, 'reference', 'positions.jsonl');
const skip = existsSync(MODEL) && existsSync(POSITIONS) ? false : `KataGo reference data not found at ${SHARED}`;

test('kata-raw-nn arguments: optional colour, symmetry or all, optional optimism; errors as KataGo words them', () => {
  assert.deepEqual(parseRawNnArgs(['3']), { color: null, symmetries: [3], policyOptimism: 0 });
  assert.deepEqual(parseRawNnArgs(['w', 'all', '0.5']), { color: 2, symmetries: [0, 1, 2, 3, 4, 5, 6, 7], policyOptimism: 0.5 });
  assert.throws(() => parseRawNnArgs([]), /Expected a symmetry argument 'all' or index \[0-7\]/);
  assert.throws(() => parseRawNnArgs(['8']), /but got '8'/);
  assert.throws(() => parseRawNnArgs(['1', '2']), /optimism value in \[0,1\] but got '2'/);
  assert.throws(() => parseRawNnArgs(['1', '0.5', 'x']), /Unexpected extra argument 'x'/);
});

test('the GTP engine answers kata-raw-nn like KataGo after the same commands', { skip }, async () => {
  await initBackend();
  const lines = readFileSync(POSITIONS, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  // A square board with a pass in the moves, a rectangular one, and territory rules.
  const picks = [
    lines.find((r) => r.width !== r.height),
    lines.find((r) => r.width * r.height <= 81 && r.moves.some((m: string[]) => m[1] === 'pass')),
    lines.find((r) => r.rules === 'japanese' && r.width * r.height <= 49),
  ];
  const evaluator = KataGoEvaluator.fromFile(MODEL);
  try {
    for (const r of picks) {
      const engine = new GtpEngine({ bot: new RandomBot(1) });
      registerKataGoCommands(engine, evaluator);
      const commands = [
        r.width === r.height ? `boardsize ${r.width}` : `rectangular_boardsize ${r.width} ${r.height}`,
        'clear_board', `kata-set-rules ${r.rules}`, `komi ${r.komi}`,
        ...r.moves.map(([c, v]: string[]) => `play ${c} ${v}`),
      ];
      for (const c of commands) assert.match((await engine.handleLine(c))!, /^= /, c);
      const reply = (await engine.handleLine(`kata-raw-nn ${r.symmetry}`))!;
      assert.match(reply, /^= symmetry /);
      const [got] = parseKataRawNn(reply.slice(2), r.width, r.height);
      assert.deepEqual(Object.keys(got), Object.keys(r.output));
      for (const key of ['whiteWin', 'whiteLoss', 'noResult', 'policyPass']) {
        assert.ok(Math.abs((got[key] as number) - r.output[key]) < 1e-3, `${key}: ${got[key]} vs ${r.output[key]}`);
      }
      (got.policy as (number | null)[]).forEach((p, i) => {
        const want = r.output.policy[i];
        if (want === null) assert.equal(p, null, `policy[${i}] illegal`);
        else assert.ok(p !== null && Math.abs(p - want) < 1e-3, `policy[${i}]`);
      });
      (got.whiteOwnership as number[]).forEach((o, i) => assert.ok(Math.abs(o - r.output.whiteOwnership[i]) < 1e-3, `ownership[${i}]`));
      if (r === picks[2]) {
        const all = (await engine.handleLine('kata-raw-nn all'))!;
        assert.deepEqual(parseKataRawNn(all.slice(2), r.width, r.height).map((b) => b.symmetry), [0, 1, 2, 3, 4, 5, 6, 7]);
      }
      assert.match((await engine.handleLine('kata-raw-nn 9'))!, /^\? Expected a symmetry/);
    }
  } finally {
    evaluator.dispose();
  }
});
