import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { buildCli } from '../../../src/cli/parse-args.js';
import { durationFlag, joinNegativeValues, rateFlag, repeatFlag } from '../../../src/cli/flag-values.js';
import { pushbench } from '../../helpers/cli.js';

/** Parses `run <args>` in-process; returns the InputError's one line, or fails the test when none is thrown. */
async function runFlagError(args: string[]): Promise<string> {
  const outcome = { exitCode: 0 };
  try {
    await buildCli(['run', 'scenarios/webhook-vs-websocket.yaml', ...args], outcome).exitProcess(false).parseAsync();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).lines).toHaveLength(1);
    return (error as InputError).lines[0]!;
  }
  throw new Error(`run ${args.join(' ')} was accepted`);
}

describe('every numeric and duration flag names the bad value and the form it wants', () => {
  it.each([
    [['--duration', '-5s'], '--duration: expected a duration like 30s, got "-5s"'],
    [['--duration', '5'], '--duration: expected a duration like 30s, got "5"'],
    [['--duration', '0s'], '--duration: expected a duration like 30s, got "0s"'],
    [['--duration', 'soon'], '--duration: expected a duration like 30s, got "soon"'],
    [['--duration='], '--duration: expected a duration like 30s, got ""'],
    [['--rate', 'abc'], '--rate: expected a number of requests per second above 0, like 500, got "abc"'],
    [['--rate', '-3'], '--rate: expected a number of requests per second above 0, like 500, got "-3"'],
    [['--rate', '0'], '--rate: expected a number of requests per second above 0, like 500, got "0"'],
    [['--rate', '1e999'], '--rate: expected a number of requests per second above 0, like 500, got "1e999"'],
    [['--rate', '12abc'], '--rate: expected a number of requests per second above 0, like 500, got "12abc"'],
    [['--repeat', 'x'], '--repeat: expected a whole number of trials like 3, got "x"'],
    [['--repeat', '1.5'], '--repeat: expected a whole number of trials like 3, got "1.5"'],
    [['--repeat', '-2'], '--repeat: expected a whole number of trials like 3, got "-2"'],
    [['--repeat', '0'], '--repeat: expected a whole number of trials like 3, got "0"'],
    [['--repeat', '101'], '--repeat: expected a whole number of trials from 1 to 100, got "101"'],
    [['--shard', '-1/2'], '--shard: expected I/N with N >= 1 and 0 <= I < N (I is 0-based, like JOB_COMPLETION_INDEX), got "-1/2"'],
    [['--shard', '2/2'], '--shard: expected I/N with N >= 1 and 0 <= I < N (I is 0-based, like JOB_COMPLETION_INDEX), got "2/2"'],
    [['--start-at', '-5'], '--start-at: expected an ISO-8601 time with a zone (2026-11-28T17:00:00Z) or Unix milliseconds, got "-5"'],
    [['--start-at', 'tomorrow'], '--start-at: expected an ISO-8601 time with a zone (2026-11-28T17:00:00Z) or Unix milliseconds, got "tomorrow"'],
  ])('run %j', async (args, line) => {
    expect(await runFlagError(args)).toBe(line);
  });

  it('accepts the forms it asks for', () => {
    expect(durationFlag('30s')).toBe('30s');
    expect(durationFlag('1m30s')).toBe('1m30s');
    expect(rateFlag('500')).toBe(500);
    expect(rateFlag('0.5')).toBe(0.5);
    expect(rateFlag('2e3')).toBe(2000);
    expect(repeatFlag('3')).toBe(3);
  });

  it('a negative value stays the value of its flag; other arguments pass unchanged', () => {
    expect(joinNegativeValues(['run', 'x.yaml', '--duration', '-5s', '--rate', '-1', '--json'])).toEqual(['run', 'x.yaml', '--duration=-5s', '--rate=-1', '--json']);
    expect(joinNegativeValues(['run', '--duration', '--rate', '5'])).toEqual(['run', '--duration', '--rate', '5']);
  });

  it('the CLI prints the line and exits 2, no stack trace', async () => {
    const run = await pushbench(['run', 'scenarios/webhook-vs-websocket.yaml', '--duration', '-5s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('pushbench: --duration: expected a duration like 30s, got "-5s"\n');
  }, 30_000);
});
