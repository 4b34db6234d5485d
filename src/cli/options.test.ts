// The shared option parsers, and that the command groups use them: a bad value is one line from
// commander naming the option, exit code 1, no stack. The experiment options (--out, --seed,
// --quick): what the helper adds, how they read back, and each experiment command's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerCommands } from './commands.js';
import {
  addExperimentOptions,
  experimentSettings,
  parseNonNegativeNumber,
  parseNumber,
  parsePositiveInt,
  parsePositiveNumber,
  parseSeed,
  type ExperimentCliOptions,
} from './options.js';

test('option parsers accept good values and reject bad ones with InvalidArgumentError', () => {
  assert.equal(parseSeed('42'), 42);
  assert.equal(parseNumber('-2.5'), -2.5);
  assert.equal(parsePositiveInt('7'), 7);
  assert.equal(parsePositiveNumber('0.5'), 0.5);
  assert.equal(parseNonNegativeNumber('0'), 0);
  const bad: [(v: string) => number, string, RegExp][] = [
    [parseSeed, '-1', /non-negative integer/],
    [parseSeed, '1.5', /non-negative integer/],
    [parseNumber, '', /expected a number/],
    [parseNumber, 'abc', /expected a number/],
    [parsePositiveInt, '0', /positive integer/],
    [parsePositiveInt, '2.0', /positive integer/],
    [parsePositiveNumber, '0', /positive number/],
    [parsePositiveNumber, 'Infinity', /positive number/],
    [parseNonNegativeNumber, '-0.1', />= 0/],
  ];
  for (const [parse, value, message] of bad) {
    assert.throws(() => parse(value), (e: unknown) => e instanceof InvalidArgumentError && message.test((e as Error).message), `${parse.name}("${value}")`);
  }
});

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['bin/glassbox.js', ...args], { encoding: 'utf8' });
}

test('go, lm, route and circuits report a bad option value as one line naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['go', 'match', '--black', 'random', '--white', 'random', '--out', 'unused', '--games', 'x'], /option '--games <n>' argument 'x' is invalid\. expected a positive integer/],
    [['go', 'gtp', '--passing', 'sometimes'], /option '--passing <behavior>' argument 'sometimes' is invalid\. expected one of standard/],
    [['lm', 'generate', '--model', 'unused', '--prompt', 'hi', '--temperature=-1'], /option '--temperature <x>' argument '-1' is invalid\. expected a number >= 0/],
    [['lm', 'train', '--out', 'unused', '--steps', '0'], /option '--steps <n>' argument '0' is invalid\. expected a positive integer/],
    [['route', 'mnist', '--out', 'unused', '--seed', 'abc'], /option '--seed <n>' argument 'abc' is invalid/],
    [['circuits', 'discover', '--model', 'unused', '--out', 'unused', '--sizes', 'some'], /option '--sizes <s>' argument 'some' is invalid\. expected "log", "all" or comma-separated edge counts/],
    [['circuits', 'make-dataset', 'ioi', '--out', 'unused', '--prompts', '-3'], /option '--prompts <n>' argument '-3' is invalid/],
  ];
  for (const [args, message] of cases) {
    const r = glassbox(args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

/** A command that throws instead of exiting and keeps its error output. */
function quietCommand(name: string, errors: string[]): Command {
  return new Command(name).exitOverride().configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => {} });
}

test('addExperimentOptions adds --out, --seed and --quick; experimentSettings reads them back', () => {
  const errors: string[] = [];
  const withDefault = () => addExperimentOptions(quietCommand('x', errors), { out: 'run directory', outDefault: 'runs/x', quick: 'smaller' });
  const names = withDefault().options.map((o) => o.flags);
  assert.deepEqual(names, ['--out <dir>', '--seed <n>', '--quick']);

  const defaults = withDefault().parse([], { from: 'user' });
  assert.deepEqual(experimentSettings(defaults.opts<ExperimentCliOptions>()), { outDir: 'runs/x', seed: 0, quick: false });
  const given = withDefault().parse(['--out', 'elsewhere', '--seed', '17', '--quick'], { from: 'user' });
  assert.deepEqual(experimentSettings(given.opts<ExperimentCliOptions>()), { outDir: 'elsewhere', seed: 17, quick: true });

  for (const bad of ['abc', '1.5', '-1', '']) {
    errors.length = 0;
    assert.throws(() => withDefault().parse(['--seed', bad], { from: 'user' }), (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument');
    assert.equal(errors.length, 1, `--seed "${bad}"`);
    assert.equal(errors[0], `error: option '--seed <n>' argument '${bad}' is invalid. expected a non-negative integer, got "${bad}"\n`);
  }

  errors.length = 0;
  const required = addExperimentOptions(quietCommand('y', errors), { out: 'run directory', seed: 'first seed', quick: 'smaller' });
  assert.equal(required.options.find((o) => o.long === '--seed')?.description, 'first seed');
  assert.throws(() => required.parse([], { from: 'user' }), (e: unknown) => e instanceof CommanderError && e.code === 'commander.missingMandatoryOptionValue');
  assert.deepEqual(errors, ["error: required option '--out <dir>' not specified\n"]);
});

/** Every experiment command: its --out default (undefined: --out is required). */
const EXPERIMENT_OUT_DEFAULTS: Record<string, string | undefined> = {
  'tour': 'runs/tour',
  'go match': undefined,
  'lm train': undefined,
  'circuits train-model': undefined,
  'circuits faithfulness': undefined,
  'circuits compare-ablations': undefined,
  'circuits discover': undefined,
  'route mnist': 'runs/route-mnist',
  'route rl': 'runs/route-rl',
};

function commandsByPath(cmd: Command, prefix: string[] = []): Map<string, Command> {
  const found = new Map<string, Command>();
  for (const sub of cmd.commands) {
    const path = [...prefix, sub.name()];
    found.set(path.join(' '), sub);
    for (const [p, c] of commandsByPath(sub, path)) found.set(p, c);
  }
  return found;
}

test('every experiment command takes --out, --seed and --quick with its own --out default, and rejects a bad seed in one line', async () => {
  const errors: string[] = [];
  const program = quietCommand('glassbox', errors);
  registerCommands(program);
  const commands = commandsByPath(program);
  const experiments = [...commands].filter(([, c]) => ['--out', '--quick'].every((f) => c.options.some((o) => o.long === f))).map(([p]) => p);
  assert.deepEqual(experiments.sort(), Object.keys(EXPERIMENT_OUT_DEFAULTS).sort(), 'the commands with --out and --quick are the listed experiment commands');

  for (const [path, outDefault] of Object.entries(EXPERIMENT_OUT_DEFAULTS)) {
    const options = commands.get(path)!.options;
    const at = options.findIndex((o) => o.long === '--out');
    assert.deepEqual(options.slice(at, at + 3).map((o) => o.flags), ['--out <dir>', '--seed <n>', '--quick'], path);
    assert.equal(options[at].defaultValue, outDefault, `${path} --out default`);
    assert.equal(options[at].mandatory, outDefault === undefined, `${path} --out required`);
    assert.equal(options[at + 1].defaultValue, 0, `${path} --seed default`);

    errors.length = 0;
    await assert.rejects(program.parseAsync([...path.split(' '), '--out', 'unused', '--seed', 'x'], { from: 'user' }), CommanderError, path);
    assert.deepEqual(errors, [`error: option '--seed <n>' argument 'x' is invalid. expected a non-negative integer, got "x"\n`], path);
  }
});
