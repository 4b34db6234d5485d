// `glassbox go ...`: Go commands. Parsing only; the work lives in src/go.
import type { Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { GtpEngine, serveGtp } from '../go/gtp/index.js';
import { RandomBot } from '../go/bots/index.js';
import { KataGoEvaluator } from '../go/katago/evaluator.js';
import { registerKataGoCommands } from '../go/katago/gtp-commands.js';

function intOption(name: string, v: string): number {
  if (!/^-?\d+$/.test(v)) throw new Error(`--${name} must be an integer, got '${v}'`);
  return Number(v);
}

export function registerGo(program: Command): void {
  const go = program.command('go').description('Go: rules engine, SGF, GTP engine and bots');
  go.command('gtp')
    .description('speak GTP on stdin/stdout; genmove plays the random bot (a uniform random legal move that never fills its own eyes) until a network is loaded')
    .option('--seed <n>', 'seed of the random bot', '0')
    .option('--rules <rules>', 'initial rules: a KataGo preset name (tromp-taylor, chinese, japanese, ...) or JSON', 'tromp-taylor')
    .option('--komi <komi>', "initial komi (default: the rules preset's)")
    .option('--pass-after-pass', 'the random bot passes whenever its opponent has just passed')
    .option('--model <file>', 'a KataGo network (.bin.gz); adds kata-raw-nn (genmove still plays the random bot)')
    .action(async (opts: { seed: string; rules: string; komi?: string; passAfterPass?: boolean; model?: string }) => {
      const komi = opts.komi === undefined ? undefined : Number(opts.komi);
      if (komi !== undefined && !Number.isFinite(komi)) throw new Error(`--komi must be a number, got '${opts.komi}'`);
      const engine = new GtpEngine({ bot: new RandomBot(intOption('seed', opts.seed), { passAfterPass: !!opts.passAfterPass }), rules: opts.rules, komi });
      if (opts.model) {
        await initBackend();
        registerKataGoCommands(engine, KataGoEvaluator.fromFile(opts.model));
      }
      await serveGtp(engine, process.stdin, process.stdout);
    });
}
