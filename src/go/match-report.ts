// results.json and report.html of a match: win rates with Wilson 95% intervals, game lengths, and the
// final position of a game.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, encodePng, image, keyValues, plot, table, text, writeReport, writeResults, type PlotSpec } from '../report/index.js';
import { rulesPreset } from './board/rules.js';
import { boardImage } from './board-image.js';
import { type GameRecord, type MatchConfig, type MatchSummary, summarizeMatch } from './match.js';
import { gameFromSgf, parseSgf } from './sgf.js';

function winRateChart(s: MatchSummary): PlotSpec {
  const values = (['A', 'B'] as const).map((k) => ({
    bot: `${k}: ${k === 'A' ? s.botA : s.botB}`,
    rate: s.winRate[k],
    lo: s.winRateCI95[k][0],
    hi: s.winRateCI95[k][1],
  }));
  return {
    width: 420,
    height: 160,
    data: { values },
    layer: [
      { mark: 'bar', encoding: { y: { field: 'bot', type: 'nominal', title: null, axis: { labelLimit: 360 } }, x: { field: 'rate', type: 'quantitative', title: 'win rate (Wilson 95% interval)', scale: { domain: [0, 1] } } } },
      { mark: { type: 'rule', color: 'black', strokeWidth: 2 }, encoding: { y: { field: 'bot', type: 'nominal' }, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
    ],
  } as unknown as PlotSpec;
}

function lengthHistogram(records: GameRecord[]): PlotSpec {
  const lengths = records.map((r) => r.moves);
  const max = Math.max(1, ...lengths);
  const bins = Math.min(20, Math.max(1, records.length));
  const width = Math.max(1, Math.ceil((max + 1) / bins));
  const counts = new Array(Math.ceil((max + 1) / width)).fill(0);
  for (const l of lengths) counts[Math.floor(l / width)]++;
  const categories = counts.map((_, i) => `${i * width}-${(i + 1) * width - 1}`);
  return barChart({ categories, groups: [{ name: 'games', values: counts }], xTitle: 'moves in the game', yTitle: 'games' });
}

export interface MatchReportInput {
  dir: string;
  config: MatchConfig;
  records: GameRecord[];
  /** Wall seconds of this invocation. */
  seconds: number;
  quick: boolean;
}

export async function writeMatchReport(input: MatchReportInput): Promise<MatchSummary> {
  const { dir, config, records } = input;
  const summary = summarizeMatch(config, records);
  writeResults(dir, {
    summary: { ...summary, complete: records.length === config.games, gamesPlanned: config.games },
    config,
    games: records,
    timings: { matchSeconds: input.seconds, gameSecondsTotal: records.reduce((s, r) => s + r.seconds, 0) },
  });
  const blocks = [];
  if (records.length) {
    const last = records[records.length - 1];
    const g = gameFromSgf(parseSgf(readFileSync(join(dir, last.sgf), 'utf8'), last.sgf), { rules: rulesPreset('tromp-taylor').rules, komi: config.komi });
    blocks.push(image(encodePng(boardImage(g.board)), `final position of game ${last.index}`, `Final position of game ${last.index} (${last.result}, ${last.moves} moves, ended by ${last.end}; black: bot ${last.blackBot}).`));
  }
  await writeReport(dir, {
    title: `Go match: ${config.botA} vs ${config.botB}`,
    intro: `${records.length} of ${config.games} games on ${config.size}x${config.size}, komi ${config.komi}, Tromp-Taylor rules (area scoring, no dead-stone removal; games end on two passes, resignation, or at ${config.maxMoves} moves where they are scored as they stand)${config.alternate ? ', colours alternating' : ', bot A always black'}. Every game is in games/ as SGF.`,
    sections: [
      {
        title: 'Results',
        blocks: [
          plot(winRateChart(summary), 'Win rate per bot (draws count half); the black line is its Wilson 95% interval.'),
          keyValues({
            'bot A': config.botA,
            'bot B': config.botB,
            games: summary.games,
            'wins A / B / draws': `${summary.wins.A} / ${summary.wins.B} / ${summary.wins.draws}`,
            'win rate A (95% CI)': `${summary.winRate.A.toFixed(3)} (${summary.winRateCI95.A[0].toFixed(3)}-${summary.winRateCI95.A[1].toFixed(3)})`,
            'wins of A as black / white': `${summary.winsAsBlack.A} / ${summary.winsAsWhite.A}`,
            'mean game length (moves)': summary.meanGameLength.toFixed(1),
            'game ends': Object.entries(summary.ends).map(([k, v]) => `${k}: ${v}`).join(', '),
          }),
        ],
      },
      { title: 'Game lengths', blocks: records.length ? [plot(lengthHistogram(records))] : [text('No games finished yet.')] },
      { title: 'A final position', blocks: blocks.length ? blocks : [text('No games finished yet.')] },
      {
        title: 'Games',
        blocks: [table(['game', 'black', 'result', 'winner', 'moves', 'end', 'seconds', 'sgf'], records.map((r) => [r.index, r.blackBot, r.result, r.winnerBot ?? 'draw', r.moves, r.end, Number(r.seconds.toFixed(1)), r.sgf]))],
      },
    ],
  });
  return summary;
}
