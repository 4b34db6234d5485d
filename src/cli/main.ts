// The glassbox command line: parsing only; the work lives in the modules each command calls.
import { Command } from 'commander';
import { registerCommands } from './commands.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('glassbox')
    .description('A toolkit for AI-safety research: gradient routing, circuits and faithfulness, adversarial policies in Go')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  registerCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code?.startsWith('commander.')) process.exit(1);
    process.stderr.write(`glassbox: error: ${e.message ?? String(err)}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
