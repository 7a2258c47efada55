import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { MAX_STRING_CHARS, parseResult } from '../../../src/result/read-result.js';
import { ROOT } from '../../helpers/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/results/webhook-burst/result.json');
const original = (): Record<string, any> => JSON.parse(readFileSync(FIXTURE, 'utf8'));

function problem(result: unknown): string {
  try {
    parseResult(JSON.stringify(result), 'damaged.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('the damaged result was accepted');
}

describe('a damaged result.json is bad input naming the file and the problem', () => {
  it('a histogram that does not decode', () => {
    const result = original();
    result.metrics['webhook.latency'].hdr = `HISTFAAAAB${'x'.repeat(30)}`;
    expect(problem(result)).toBe('damaged.json: not a valid pushbench result: metrics.webhook.latency.hdr: not a readable histogram (incorrect header check)');
  });

  it('a histogram that is not even base64 of anything', () => {
    const result = original();
    result.metrics['generator.sendLag'].hdr = '!';
    expect(problem(result)).toMatch(/^damaged\.json: not a valid pushbench result: metrics\.generator\.sendLag\.hdr: not a readable histogram \(.+\)$/);
  });

  it('a 50 MB string field (report and merge crashed with "Invalid string length")', () => {
    const result = original();
    result.scenario.name = 'y'.repeat(50_000_000);
    expect(problem(result)).toBe(`damaged.json: not a valid pushbench result: scenario.name: a string of 50000000 characters (at most ${MAX_STRING_CHARS})`);
  });

  it('the undamaged fixture is read', () => {
    expect(parseResult(readFileSync(FIXTURE, 'utf8'), FIXTURE).metrics['webhook.latency']?.count).toBeGreaterThan(0);
  });
});
