// `glassbox go ...`: Go commands. Parsing only; the work lives in src/go.
import type { Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { GtpEngine, serveGtp } from '../go/gtp/index.js';
import { KataGoBot, RandomBot } from '../go/bots/index.js';
import { KataGoEvaluator } from '../go/katago/evaluator.js';
import { registerKataGoCommands } from '../go/katago/gtp-commands.js';
import { PASSING_BEHAVIORS, type PassingBehavior } from '../go/search/params.js';
import { runMatchCommand } from '../go/match-run.js';
import { OwnershipRecorder } from '../go/search/tree-ownership.js';
import { registerAnalyzeCommands, searchOwnership } from '../go/gtp/analyze-command.js';

function intOption(name: string, v: string): number {
  if (!/^-?\d+$/.test(v)) throw new Error(`--${name} must be an integer, got '${v}'`);
  return Number(v);
}

function positiveInt(name: string, v: string): number {
  const n = intOption(name, v);
  if (n < 1) throw new Error(`--${name} must be >= 1, got ${n}`);
  return n;
}

export function registerGo(program: Command): void {
  const go = program.command('go').description('Go: rules engine, SGF, GTP engine and bots');
  go.command('gtp')
    .description('speak GTP on stdin/stdout; genmove searches with the KataGo network given by --model (KataGo-style MCTS), else plays the random bot')
    .option('--seed <n>', 'seed (random bot; search symmetries and sampling)', '0')
    .option('--rules <rules>', 'initial rules: a KataGo preset name (tromp-taylor, chinese, japanese, ...) or JSON', 'tromp-taylor')
    .option('--komi <komi>', "initial komi (default: the rules preset's)")
    .option('--pass-after-pass', 'the random bot passes whenever its opponent has just passed')
    .option('--model <file>', 'a KataGo network (.bin.gz): adds kata-raw-nn, kata-analyze and lz-analyze, genmove searches with it, final_status_list/final_score use its search ownership')
    .option('--visits <n>', 'search visits per genmove with --model (1 = raw policy)', '64')
    .option('--threads <n>', 'leaves evaluated per network batch (search "threads", separated by virtual loss)', '1')
    .option('--passing <behavior>', `pass handling: ${PASSING_BEHAVIORS.join(', ')}`, 'standard')
    .action(async (opts: { seed: string; rules: string; komi?: string; passAfterPass?: boolean; model?: string; visits: string; threads: string; passing: string }) => {
      const komi = opts.komi === undefined ? undefined : Number(opts.komi);
      if (komi !== undefined && !Number.isFinite(komi)) throw new Error(`--komi must be a number, got '${opts.komi}'`);
      const seed = intOption('seed', opts.seed);
      if (!PASSING_BEHAVIORS.includes(opts.passing as PassingBehavior)) throw new Error(`--passing must be one of ${PASSING_BEHAVIORS.join(', ')}, got '${opts.passing}'`);
      let evaluator: KataGoEvaluator | null = null;
      if (opts.model) {
        await initBackend();
        evaluator = KataGoEvaluator.fromFile(opts.model, { cacheEntries: 50_000 });
      }
      // The search evaluates through the recorder so that analysis can report tree ownership.
      const recorder = evaluator ? new OwnershipRecorder(evaluator) : null;
      const katagoBot = recorder
        ? new KataGoBot(recorder, { visits: positiveInt('visits', opts.visits), params: { numThreads: positiveInt('threads', opts.threads), passingBehavior: opts.passing as PassingBehavior }, seed })
        : null;
      const bot = katagoBot ?? new RandomBot(seed, { passAfterPass: !!opts.passAfterPass });
      const ownership = recorder && katagoBot ? searchOwnership(recorder, katagoBot.search.params, seed) : undefined;
      const engine = new GtpEngine({ bot, rules: opts.rules, komi, ownership });
      if (evaluator && katagoBot && recorder) {
        registerKataGoCommands(engine, evaluator);
        registerAnalyzeCommands(engine, katagoBot.search, recorder);
      }
      await serveGtp(engine, process.stdin, process.stdout);
    });
  go.command('match')
    .description('play games between two bots (Tromp-Taylor, alternating colours), save SGFs, report win rates with 95% intervals; resumable')
    .requiredOption('--black <spec>', 'bot A (black in even games): katago:MODEL[:visits=N][:threads=T][:passing=B][:temperature=T|gtp][:noise=1], gnugo[:level=L], random[:pass-after-pass=1], pass, edge, spiral, mirror[:pass-when-winning=1]')
    .requiredOption('--white <spec>', 'bot B (white in even games), same forms')
    .requiredOption('--out <dir>', 'match directory (rerun with the same directory to resume)')
    .option('--games <n>', 'games to play', '10')
    .option('--size <n>', 'board size', '9')
    .option('--komi <k>', 'komi', '7')
    .option('--seed <n>', 'match seed (each game derives its bots\' seeds from it)', '0')
    .option('--max-moves <n>', 'move cap; a game reaching it is scored as it stands (default 4 x board area)')
    .option('--no-alternate', 'bot A always plays black')
    .option('--quick', 'at most 2 games')
    .action(async (opts: { black: string; white: string; out: string; games: string; size: string; komi: string; seed: string; maxMoves?: string; alternate: boolean; quick?: boolean }) => {
      const size = positiveInt('size', opts.size);
      const komi = Number(opts.komi);
      if (!Number.isFinite(komi)) throw new Error(`--komi must be a number, got '${opts.komi}'`);
      const summary = await runMatchCommand({
        botA: opts.black,
        botB: opts.white,
        games: positiveInt('games', opts.games),
        size,
        komi,
        seed: intOption('seed', opts.seed),
        alternate: opts.alternate,
        maxMoves: opts.maxMoves === undefined ? 4 * size * size : positiveInt('max-moves', opts.maxMoves),
        outDir: opts.out,
        quick: !!opts.quick,
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
