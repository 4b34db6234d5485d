// Parity with real KataGo: replays every reference position of ../shared/katago/reference/
// positions.jsonl (outputs KataGo v1.17.2 printed for `kata-raw-nn SYMMETRY`) and checks policy
// (with pass and the NAN pattern of illegal points), win/loss/no-result, lead and ownership.
// All positions take about 10 s on the native backend; on the pure-JS cpu backend (about 3 s per 19x19
// evaluation) the default run checks a fixed subset (every 10th position) unless
// GLASSBOX_KATAGO_PARITY=full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { parseColor, parseGtpVertex, parseRules } from '../board/index.js';
import { KataGoEvaluator, type Evaluation } from './evaluator.js';
import { KataGoHistory } from './history.js';
import { formatKataRawNn, parseKataRawNn } from './raw-nn-format.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHARED = join(REPO_ROOT, '..', 'shared', 'katago');
const MODEL = join(SHARED, 'g170-b6c96-s175395328-d26788732.bin.gz');
const POSITIONS = join(SHARED, 'reference', 'positions.jsonl');
const available = existsSync(MODEL) && existsSync(POSITIONS);
const skip = available ? false : `KataGo reference data not found at ${SHARED} (../shared/katago beside the project)`;
const backend = await initBackend();
const FULL = backend.name === 'native' || process.env.GLASSBOX_KATAGO_PARITY === 'full';
const TOLERANCE = 1e-3;

interface Reference {
  width: number;
  height: number;
  rules: string;
  komi: number;
  moves: [string, string][];
  toMove: string;
  symmetry: number;
  output: {
    whiteWin: number; whiteLoss: number; noResult: number; whiteLead: number;
    whiteScoreSelfplay: number; whiteScoreSelfplaySq: number;
    policy: (number | null)[]; policyPass: number; whiteOwnership: number[];
  } & Record<string, unknown>;
}

function replay(r: Reference): KataGoHistory {
  const h = new KataGoHistory({ width: r.width, height: r.height, rules: parseRules(r.rules).rules, komi: r.komi });
  for (const [c, v] of r.moves) h.play(h.board.locOfPoint(parseGtpVertex(v, r.width, r.height)), parseColor(c));
  assert.equal(h.toMove, parseColor(r.toMove), 'player to move after replay');
  return h;
}

interface Errors { policy: number; value: number; lead: number; ownership: number; nanMismatches: number }

function compare(r: Reference, e: Evaluation): Errors {
  const o = r.output;
  const err: Errors = { policy: Math.abs(o.policyPass - e.policyPass), value: 0, lead: Math.abs(o.whiteLead - e.whiteLead), ownership: 0, nanMismatches: 0 };
  for (let i = 0; i < r.width * r.height; i++) {
    const ref = o.policy[i];
    if (ref === null || e.policy[i] < 0) {
      if (!(ref === null && e.policy[i] < 0)) err.nanMismatches++;
    } else {
      err.policy = Math.max(err.policy, Math.abs(ref - e.policy[i]));
    }
    err.ownership = Math.max(err.ownership, Math.abs(o.whiteOwnership[i] - e.whiteOwnership[i]));
  }
  err.value = Math.max(Math.abs(o.whiteWin - e.whiteWin), Math.abs(o.whiteLoss - e.whiteLoss), Math.abs(o.noResult - e.noResult));
  return err;
}

test(`KataGo parity: kata-raw-nn outputs match KataGo within ${TOLERANCE} (${FULL ? 'all positions' : `every 10th position on the ${backend.name} backend; GLASSBOX_KATAGO_PARITY=full for all`})`, { skip }, async () => {
  const all = readFileSync(POSITIONS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Reference);
  const refs = FULL ? all : all.filter((_, i) => i % 10 === 0);
  const evaluator = KataGoEvaluator.fromFile(MODEL);
  try {
    const evals = evaluator.evaluateSync(refs.map((r) => ({ history: replay(r), symmetry: r.symmetry })));
    const worst: Errors = { policy: 0, value: 0, lead: 0, ownership: 0, nanMismatches: 0 };
    const failures: string[] = [];
    refs.forEach((r, k) => {
      const e = compare(r, evals[k]);
      for (const key of Object.keys(worst) as (keyof Errors)[]) worst[key] = Math.max(worst[key], e[key]);
      if (e.policy > TOLERANCE || e.value > TOLERANCE || e.ownership > TOLERANCE || e.lead > 0.01 || e.nanMismatches) {
        failures.push(`${r.width}x${r.height} ${r.rules} komi ${r.komi}, ${r.moves.length} moves, symmetry ${r.symmetry}: ${JSON.stringify(e)}`);
      }
    });
    console.log(`KataGo parity over ${refs.length} positions, max abs errors: ${JSON.stringify(worst)}`);
    assert.deepEqual(failures, [], `positions off by more than ${TOLERANCE}`);
  } finally {
    evaluator.dispose();
  }
});

test('kata-raw-nn text: same keys in the same order as KataGo, values as printed', { skip }, async () => {
  const refs = readFileSync(POSITIONS, 'utf8').trim().split('\n').slice(0, 3).map((l) => JSON.parse(l) as Reference);
  const evaluator = KataGoEvaluator.fromFile(MODEL);
  try {
    for (const r of refs) {
      const [e] = evaluator.evaluateSync([{ history: replay(r), symmetry: r.symmetry }]);
      const text = formatKataRawNn(e);
      const lines = text.split('\n');
      assert.equal(lines[0], `symmetry ${r.symmetry}`);
      assert.equal(lines.length, 10 + 1 + r.height + 1 + 1 + r.height);
      const [parsed] = parseKataRawNn(text, r.width, r.height);
      assert.deepEqual(Object.keys(parsed), Object.keys(r.output), 'keys and their order');
      assert.equal(parsed.varTimeLeft, -1);
      assert.equal(parsed.shorttermWinlossError, -1);
      const policy = parsed.policy as (number | null)[];
      policy.forEach((p, i) => {
        if (p === null) assert.equal(r.output.policy[i], null);
        else assert.ok(Math.abs(p - (r.output.policy[i] as number)) < TOLERANCE);
      });
      const policyRow = lines[11];
      assert.match(policyRow, /^( {4}NAN |\d\.\d{6} )+$/, 'policy row cells are "%8.6f " or "    NAN "');
    }
  } finally {
    evaluator.dispose();
  }
});
