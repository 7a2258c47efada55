import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/exit-codes.js';
import { resolveBaselinePath, saveBaseline } from '../../../src/gate/baseline.js';
import { runCompareGate } from '../../../src/gate/compare-gate.js';
import type { RunResult } from '../../../src/result/run-result.js';
import { fixtureResult, resultWithTrials } from './results.js';

const dir = mkdtempSync(join(tmpdir(), 'pushbench-gate-unit-'));
function file(name: string, result: RunResult): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(result));
  return path;
}
const invalid = (result: RunResult): RunResult => ({ ...result, validity: { ...result.validity, ok: false, reasons: ['the generator stalled'] } });

describe('runCompareGate', () => {
  const base = file('base.json', resultWithTrials([{ latencyUs: 20_000 }, { latencyUs: 20_200 }, { latencyUs: 20_100 }]));

  it('exit 0 without a regression, exit 1 naming the regressed metric', async () => {
    const same = await runCompareGate(base, file('same.json', resultWithTrials([{ latencyUs: 20_300 }, { latencyUs: 20_000 }, { latencyUs: 20_150 }])));
    expect(same.exitCode).toBe(ExitCode.ok);
    const slow = await runCompareGate(base, file('slow.json', resultWithTrials([{ latencyUs: 41_000 }, { latencyUs: 40_000 }, { latencyUs: 40_500 }])));
    expect(slow.exitCode).toBe(ExitCode.gateFailed);
    expect(slow.text).toMatch(/- webhook\.latency p99 \+101\.5%: 20\.1ms -> 40\.5ms/);
  });

  it('an invalid current run is exit 3, an invalid baseline or a bad flag is bad input', async () => {
    const current = file('current-invalid.json', invalid(fixtureResult('webhook-closed')));
    const outcome = await runCompareGate(base, current);
    expect(outcome).toMatchObject({ exitCode: ExitCode.runFailed, text: `${current}: the run is invalid (the generator stalled); not compared` });
    const badBase = file('base-invalid.json', invalid(fixtureResult('webhook-closed')));
    await expect(runCompareGate(badBase, base)).rejects.toThrow(`${badBase}: the baseline run is invalid (the generator stalled); record a valid baseline`);
    await expect(runCompareGate(base, base, { maxRegression: 'p99=fast' })).rejects.toThrow(/^--max-regression: "p99=fast"/);
    await expect(runCompareGate(join(dir, 'nope.json'), base)).rejects.toThrow(/nope\.json: cannot read the results file/);
  });
});

describe('saveBaseline', () => {
  it('writes <dir>/<scenario>.json, then reports an update; compare finds it by name', async () => {
    const baselines = join(dir, 'baselines');
    const source = file('run.json', fixtureResult('webhook-closed'));
    const first = await saveBaseline(source, { dir: baselines });
    expect(first).toMatchObject({ path: join(baselines, 'webhook-closed.json'), created: true });
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual(JSON.parse(readFileSync(source, 'utf8')));
    const second = await saveBaseline(source, { dir: baselines, name: 'nightly' });
    expect(second.created).toBe(true);
    expect((await saveBaseline(source, { dir: baselines })).created).toBe(false);
    expect(resolveBaselinePath('nightly', baselines)).toBe(join(baselines, 'nightly.json'));
  });

  it('refuses invalid runs and unusable names', async () => {
    const baselines = join(dir, 'refused');
    await expect(saveBaseline(file('bad-run.json', invalid(fixtureResult('webhook-closed'))), { dir: baselines })).rejects.toThrow(/a baseline must be a valid run/);
    await expect(saveBaseline(file('ok-run.json', fixtureResult('webhook-closed')), { dir: baselines, name: '../escape' })).rejects.toThrow(/^--name: "\.\.\/escape" is not a usable file name/);
    expect(existsSync(baselines)).toBe(false);
  });
});
