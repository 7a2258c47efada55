import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseResult, readResult } from '../../../src/result/read-result.js';

function rejection(text: string): string[] {
  try {
    parseResult(text, 'r.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the result to be rejected');
}

describe('readResult', () => {
  it('reads a real result file', async () => {
    const result = await readResult('test/fixtures/results/webhook-closed/result.json');
    expect(result.schemaVersion).toBe(1);
    expect(result.metrics['webhook.latency']?.unit).toBe('us');
  });

  it('names the file, line and column of broken JSON in one line', () => {
    expect(rejection('{\n  "schemaVersion": 1,\n  "x": ]\n}')).toEqual(['r.json:3:8: not valid JSON']);
    expect(rejection('{"a": 1,\n "b": [1, 2')).toEqual(['r.json:2:12: not valid JSON']);
  });

  it('refuses other schema versions and invalid shapes in one line', () => {
    expect(rejection('{"schemaVersion": 2}')).toEqual(['r.json: schemaVersion 2 is not supported (this pushbench reads 1)']);
    const valid = JSON.parse(readFileSync('test/fixtures/results/webhook-closed/result.json', 'utf8'));
    valid.metrics['webhook.latency'].p99 = 'fast';
    expect(rejection(JSON.stringify(valid))).toEqual(['r.json: not a valid pushbench result: metrics.webhook.latency.p99: Invalid input: expected number, received string']);
    expect(rejection('{"schemaVersion": 1}')[0]).toMatch(/^r\.json: not a valid pushbench result: tool: .* \(and \d+ more problems\)$/);
  });

  it('reports a missing file as bad input', async () => {
    await expect(readResult('/nonexistent/result.json')).rejects.toThrow('/nonexistent/result.json: cannot read the results file');
  });
});
