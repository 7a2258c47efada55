import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pushbench } from '../helpers/cli.js';
import { parseResult } from '../../src/result/read-result.js';

/**
 * A target whose answer takes a known time (the built-in receiver's `latency` fault): latency is
 * that floor plus what the machine adds, so a shared CI machine moves it by a few percent, while
 * the slowed target triples it.
 */
function gateScenario(receiverLatency: string): string {
  return [
    'name: gate-it',
    'webhook:',
    '  target: builtin',
    `  receiver: { latency: ${receiverLatency} }`,
    '  load: { model: closed, connections: 8, duration: 1s }',
    'thresholds:',
    '  webhook.latency: ["p50 < 45ms"]',
    '  webhook.errors: ["rate < 0.1%"]',
    '',
  ].join('\n');
}

describe('CI gate on real runs against the built-in receiver', () => {
  let dir: string;
  let normal: string;
  let slowed: string;
  let baseline: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushbench-gate-'));
    normal = join(dir, 'normal.yaml');
    slowed = join(dir, 'slowed.yaml');
    writeFileSync(normal, gateScenario('20ms'));
    writeFileSync(slowed, gateScenario('60ms'));
    const run = await pushbench(['run', normal, '--repeat', '3', '--out', join(dir, 'base')]);
    expect(run.code, run.stderr).toBe(0);
    const saved = await pushbench(['baseline', join(dir, 'base', 'result.json'), '--dir', join(dir, 'baselines')]);
    expect(saved.code, saved.stderr).toBe(0);
    baseline = join(dir, 'baselines', 'gate-it.json');
    expect(saved.stdout).toBe(`wrote baseline ${baseline} (gate-it, 3 trials)\n`);
  });

  it('a malformed threshold is a located error: exit 2, file:line:col, nothing run', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, gateScenario('20ms').replace('"p50 < 45ms"', '"p50 < 45ms", "p99 <= fast"'));
    const result = await pushbench(['run', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`pushbench: ${bad}:7:35: thresholds.webhook.latency.1: "p99 <= fast": "fast" is not a number with an optional unit\n`);
    expect(result.stdout).toBe('');
  });

  it('the same target twice with --repeat 3 passes the gate', async () => {
    const out = join(dir, 'same');
    const run = await pushbench(['run', normal, '--repeat', '3', '--out', out, '--junit', join(out, 'thresholds.xml')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/thresholds all passed\n +pass +webhook\.latency +p50 < 45ms +measured \d/);
    const result = parseResult(readFileSync(join(out, 'result.json'), 'utf8'), 'result.json');
    expect(result.trials).toHaveLength(3);
    const trialSamples = result.trials!.reduce((sum, trial) => sum + trial.metrics['webhook.latency']!.count, 0);
    expect(result.metrics['webhook.latency']!.count).toBe(trialSamples);
    expect(result.thresholds?.map((evaluation) => evaluation.pass)).toEqual([true, true]);
    expect(readFileSync(join(out, 'thresholds.xml'), 'utf8')).toContain('tests="2" failures="0"');

    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const compare = await pushbench(['compare', baseline, join(out, 'result.json'), '--markdown', join(out, 'compare.md')], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    expect(compare.stdout).toMatch(/\(3 trials, medians\)/);
    expect(compare.stdout).toMatch(/verdict +pass: no regression/);
    expect(readFileSync(summary, 'utf8')).toMatch(/^### pushbench compare: pass/);
  });

  it('a deliberately slowed target fails its thresholds and the gate, naming the regressed metric', async () => {
    const out = join(dir, 'slowed');
    const run = await pushbench(['run', slowed, '--out', out]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FAIL +webhook\.latency +p50 < 45ms +measured 6\d\.\dms/);
    const compare = await pushbench(['compare', baseline, join(out, 'result.json'), '--junit', join(out, 'compare.xml')]);
    expect(compare.code, compare.stdout + compare.stderr).toBe(1);
    expect(compare.stdout).toMatch(/verdict +FAIL: \d+ regressed: .*webhook\.latency p50/);
    expect(compare.stdout).toMatch(/- webhook\.latency p50 \+\d+(\.\d+)?%: 2\d\.\dms -> 6\d\.\dms/);
    expect(compare.stdout).toMatch(/throughput +\d+\.\d\/s +\d+\.\d\/s +-\d+(\.\d+)?% +10% .* REGRESSED/);
    expect(readFileSync(join(out, 'compare.xml'), 'utf8')).toMatch(/<testcase classname="pushbench.compare" name="webhook.latency p50" time="0"><failure /);
  });
});
