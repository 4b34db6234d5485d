// `glassbox go ...`: Go commands. Parsing only; the work lives in src/go.
import { InvalidArgumentError, type Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { GtpEngine, serveGtp } from '../go/gtp/index.js';
import { KataGoBot, RandomBot } from '../go/bots/index.js';
import { KataGoEvaluator } from '../go/katago/evaluator.js';
import { registerKataGoCommands } from '../go/katago/gtp-commands.js';
import { PASSING_BEHAVIORS, type PassingBehavior } from '../go/search/params.js';
import { runMatchCommand } from '../go/match-run.js';
import { OwnershipRecorder } from '../go/search/tree-ownership.js';
import { registerAnalyzeCommands, searchOwnership } from '../go/gtp/analyze-command.js';
import { addExperimentOptions, experimentSettings, parseNumber, parsePositiveInt, parseSeed, type ExperimentCliOptions } from './options.js';

function parsePassing(value: string): PassingBehavior {
  if (!PASSING_BEHAVIORS.includes(value as PassingBehavior)) throw new InvalidArgumentError(`expected one of ${PASSING_BEHAVIORS.join(', ')}, got "${value}"`);
  return value as PassingBehavior;
}

export function registerGo(program: Command): void {
  const go = program.command('go').description('Go: rules engine, SGF, GTP engine and bots');
  go.command('gtp')
    .description('speak GTP on stdin/stdout; genmove searches with the KataGo network given by --model (KataGo-style MCTS), else plays the random bot')
    .option('--seed <n>', 'seed (random bot; search symmetries and sampling)', parseSeed, 0)
    .option('--rules <rules>', 'initial rules: a KataGo preset name (tromp-taylor, chinese, japanese, ...) or JSON', 'tromp-taylor')
    .option('--komi <komi>', "initial komi (default: the rules preset's)", parseNumber)
    .option('--pass-after-pass', 'the random bot passes whenever its opponent has just passed')
    .option('--model <file>', 'a KataGo network (.bin.gz): adds kata-raw-nn, kata-analyze and lz-analyze, genmove searches with it, final_status_list/final_score use its search ownership')
    .option('--visits <n>', 'search visits per genmove with --model (1 = raw policy)', parsePositiveInt, 64)
    .option('--threads <n>', 'leaves evaluated per network batch (search "threads", separated by virtual loss)', parsePositiveInt, 1)
    .option('--passing <behavior>', `pass handling: ${PASSING_BEHAVIORS.join(', ')}`, parsePassing, 'standard' as PassingBehavior)
    .action(async (opts: { seed: number; rules: string; komi?: number; passAfterPass?: boolean; model?: string; visits: number; threads: number; passing: PassingBehavior }) => {
      const { seed, komi } = opts;
      let evaluator: KataGoEvaluator | null = null;
      if (opts.model) {
        await initBackend();
        evaluator = KataGoEvaluator.fromFile(opts.model, { cacheEntries: 50_000 });
      }
      // The search evaluates through the recorder so that analysis can report tree ownership.
      const recorder = evaluator ? new OwnershipRecorder(evaluator) : null;
      const katagoBot = recorder
        ? new KataGoBot(recorder, { visits: opts.visits, params: { numThreads: opts.threads, passingBehavior: opts.passing }, seed })
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
  const match = go
    .command('match')
    .description('play games between two bots (Tromp-Taylor, alternating colours), save SGFs, report win rates with 95% intervals; resumable')
    .requiredOption('--black <spec>', 'bot A (black in even games): katago:MODEL[:visits=N][:threads=T][:passing=B][:temperature=T|gtp][:noise=1], gnugo[:level=L], random[:pass-after-pass=1], pass, edge, spiral, mirror[:pass-when-winning=1]')
    .requiredOption('--white <spec>', 'bot B (white in even games), same forms');
  addExperimentOptions(match, {
    out: 'match directory (rerun with the same directory to resume)',
    seed: 'match seed (each game derives its bots\' seeds from it)',
    quick: 'at most 2 games',
  })
    .option('--games <n>', 'games to play', parsePositiveInt, 10)
    .option('--size <n>', 'board size', parsePositiveInt, 9)
    .option('--komi <k>', 'komi', parseNumber, 7)
    .option('--max-moves <n>', 'move cap; a game reaching it is scored as it stands (default 4 x board area)', parsePositiveInt)
    .option('--no-alternate', 'bot A always plays black')
    .action(async (opts: ExperimentCliOptions & { black: string; white: string; games: number; size: number; komi: number; maxMoves?: number; alternate: boolean }) => {
      const { size } = opts;
      const summary = await runMatchCommand({
        botA: opts.black,
        botB: opts.white,
        games: opts.games,
        size,
        komi: opts.komi,
        alternate: opts.alternate,
        maxMoves: opts.maxMoves ?? 4 * size * size,
        ...experimentSettings(opts),
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
