// The text KataGo's GTP command `kata-raw-nn` prints for one symmetry: values with fixed decimals,
// then the policy and White's ownership as rows from the top of the board, `NAN` on illegal points.
// Several symmetries (`kata-raw-nn all`) are joined by a blank line; KataGo trims the final text.
import type { Evaluation } from './evaluator.js';

/** C's printf("%.Nf") of a float: like toFixed, but negative zero keeps its sign. */
function fixed(v: number, decimals: number): string {
  if (Number.isNaN(v)) return 'nan';
  const s = v.toFixed(decimals);
  return Object.is(v, -0) ? `-${s}` : s;
}

/** printf("%W.Nf ") */
function cell(v: number, width: number, decimals: number): string {
  return `${fixed(v, decimals).padStart(width)} `;
}

/** One symmetry's block of `kata-raw-nn` output (lines ending in '\n'; rows keep their trailing space). */
export function formatKataRawNnBlock(e: Evaluation): string {
  const lines: string[] = [
    `symmetry ${e.symmetry}`,
    `whiteWin ${fixed(e.whiteWin, 6)}`,
    `whiteLoss ${fixed(e.whiteLoss, 6)}`,
    `noResult ${fixed(e.noResult, 6)}`,
    `whiteLead ${fixed(e.whiteLead, 3)}`,
    `whiteScoreSelfplay ${fixed(e.whiteScoreSelfplay, 3)}`,
    `whiteScoreSelfplaySq ${fixed(e.whiteScoreSelfplaySq, 3)}`,
    `varTimeLeft ${fixed(e.varTimeLeft, 3)}`,
    `shorttermWinlossError ${fixed(e.shorttermWinlossError, 3)}`,
    `shorttermScoreError ${fixed(e.shorttermScoreError, 3)}`,
    'policy',
  ];
  for (let y = 0; y < e.height; y++) {
    let row = '';
    for (let x = 0; x < e.width; x++) {
      const p = e.policy[y * e.width + x];
      row += p < 0 ? '    NAN ' : cell(p, 8, 6);
    }
    lines.push(row);
  }
  lines.push(`policyPass ${e.policyPass < 0 ? '    NAN ' : cell(e.policyPass, 8, 6)}`);
  lines.push('whiteOwnership');
  for (let y = 0; y < e.height; y++) {
    let row = '';
    for (let x = 0; x < e.width; x++) row += cell(e.whiteOwnership[y * e.width + x], 9, 7);
    lines.push(row);
  }
  return `${lines.join('\n')}\n`;
}

/** The full `kata-raw-nn` response body for one or more symmetries (without GTP's "= " prefix). */
export function formatKataRawNn(evals: Evaluation | Evaluation[]): string {
  const list = Array.isArray(evals) ? evals : [evals];
  return list.map((e) => `${formatKataRawNnBlock(e)}\n`).join('').trim();
}

/** Parses `kata-raw-nn` output (KataGo's or ours) back into numbers; NAN policy entries become null. */
export function parseKataRawNn(text: string, width: number, height: number): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  const tokens = text.trim().split(/\s+/);
  let i = 0;
  const num = (t: string): number | null => (t === 'NAN' ? null : Number(t));
  while (i < tokens.length) {
    const block: Record<string, unknown> = {};
    while (i < tokens.length) {
      const key = tokens[i];
      if (key === 'symmetry' && 'symmetry' in block) break;
      i++;
      if (key === 'policy' || key === 'whiteOwnership') {
        const vals: (number | null)[] = [];
        for (let k = 0; k < width * height; k++) {
          if (i >= tokens.length) throw new Error(`kata-raw-nn output: ${key} has fewer than ${width * height} values`);
          vals.push(num(tokens[i++]));
        }
        block[key] = vals;
      } else {
        if (i >= tokens.length) throw new Error(`kata-raw-nn output: no value after '${key}'`);
        const v = num(tokens[i++]);
        if (v !== null && Number.isNaN(v)) throw new Error(`kata-raw-nn output: '${key}' has a non-numeric value`);
        block[key] = v;
      }
    }
    blocks.push(block);
  }
  return blocks;
}
