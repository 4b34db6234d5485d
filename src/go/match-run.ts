// `glassbox go match`: builds the bots from specs (one network load per model file, shared), runs the
// match with a progress bar, stops cleanly on SIGINT (after the game in progress; a second SIGINT
// exits at once; finished games are on disk either way), and writes results.json and report.html.
import { initBackend } from '../engine/backend.js';
import { createRun, progressBar } from '../report/index.js';
import { createBot, parseBotSpec } from './bots/spec.js';
import type { Evaluator } from './katago/evaluator.js';
import { type MatchConfig, checkMatchConfig, readLedger, runMatch } from './match.js';
import { writeMatchReport } from './match-report.js';
import type { MatchSummary } from './match.js';

export interface MatchRunOptions extends Omit<MatchConfig, 'games'> {
  games: number;
  outDir: string;
  quick: boolean;
}

export async function runMatchCommand(o: MatchRunOptions): Promise<MatchSummary> {
  const games = o.quick ? Math.min(o.games, 2) : o.games;
  const config: MatchConfig = { botA: o.botA, botB: o.botB, games, size: o.size, komi: o.komi, seed: o.seed, alternate: o.alternate, maxMoves: o.maxMoves };
  checkMatchConfig(config);
  const specs = [parseBotSpec(o.botA), parseBotSpec(o.botB)];
  if (specs.some((s) => s.kind === 'katago')) await initBackend();
  const run = createRun(o.outDir, { seed: o.seed });
  const evaluators = new Map<string, Evaluator>();
  const already = readLedger(run.outDir).filter((r) => r.index < games).length;
  const bar = progressBar(games, 'match');
  bar.update(already);
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nSIGINT: stopping after the game in progress (finished games are saved; Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  let wins = { A: 0, B: 0 };
  const t0 = performance.now();
  try {
    const records = await runMatch(run.outDir, config, {
      makeBot: (spec, seed) => createBot(parseBotSpec(spec), { seed, evaluators }),
      shouldStop: () => stop,
      onGame: (r, done) => {
        if (r.winnerBot) wins = { ...wins, [r.winnerBot]: wins[r.winnerBot] + 1 };
        bar.update(done, { 'A wins': wins.A, 'B wins': wins.B });
      },
    });
    bar.stop();
    return await writeMatchReport({ dir: run.outDir, config, records, seconds: (performance.now() - t0) / 1000, quick: o.quick });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
