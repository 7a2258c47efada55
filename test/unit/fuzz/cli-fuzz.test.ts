import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { pushbench, ROOT } from '../../helpers/cli.js';

// A handful of generated inputs through the real CLI (the in-process properties cover the many):
// exit 0 or 2, and on 2 only lines of the form "pushbench: <file>...: problem", never a stack trace.
const SEED = 21;
const dir = mkdtempSync(join(tmpdir(), 'pushbench-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = readFileSync(join(ROOT, 'scenarios/webhook-burst.yaml'), 'utf8');
const result = readFileSync(join(ROOT, 'test/fixtures/results/webhook-burst/result.json'), 'utf8');

function expectCleanExit(run: { code: number | null; stderr: string }, file: RegExp): void {
  expect([0, 2]).toContain(run.code);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|run failed/);
  if (run.code === 2) for (const line of run.stderr.trimEnd().split('\n')) expect(line).toMatch(file);
}

describe('generated inputs through the CLI', () => {
  it('validate: cut and spliced scenarios exit 0 or 2 with file:line:col lines', async () => {
    const edits = fc.sample(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.string({ maxLength: 8 })), { seed: SEED, numRuns: 5 });
    const files = edits.map(([at, cut, insert], index) => {
      const position = at % scenario.length;
      const file = join(dir, `scenario-${index}.yaml`);
      writeFileSync(file, scenario.slice(0, position) + insert + scenario.slice(position + cut));
      return file;
    });
    const run = await pushbench(['validate', ...files]);
    expectCleanExit(run, /^pushbench: \/.+scenario-\d\.yaml:\d+:\d+: \S/);
  }, 30_000);

  it('report: a truncated result.json exits 2 naming the file and where the JSON breaks', async () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, result.slice(0, Math.floor(result.length / 3)));
    const run = await pushbench(['report', file, '--out', join(dir, 'report.html')]);
    expect(run.code).toBe(2);
    expectCleanExit(run, /^pushbench: \/.+truncated\.json:\d+:\d+: not valid JSON$/);
  }, 30_000);
});
