// The shared option parsers, and that the command groups use them: a bad value is one line from
// commander naming the option, exit code 1, no stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { InvalidArgumentError } from 'commander';
import { parseNonNegativeNumber, parseNumber, parsePositiveInt, parsePositiveNumber, parseSeed } from './options.js';

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
