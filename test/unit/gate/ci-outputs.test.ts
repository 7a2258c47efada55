import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCiOutputs } from '../../../src/gate/ci-outputs.js';
import { compareResults } from '../../../src/gate/compare-results.js';
import { evaluateThresholds, parseThresholdSection } from '../../../src/gate/evaluate-thresholds.js';
import { casesFromComparison, casesFromThresholds } from '../../../src/gate/gate-cases.js';
import { renderJunit } from '../../../src/gate/junit.js';
import { renderCompareMarkdown, renderRunMarkdown } from '../../../src/gate/markdown.js';
import { fixtureResult, resultWithTrials } from './results.js';

describe('CI outputs', () => {
  const result = fixtureResult('webhook-closed');
  const thresholds = evaluateThresholds(parseThresholdSection({ 'webhook.latency': ['p99 < 10ms', 'p50 < 5ms'] }), result);

  it('JUnit: one testcase per threshold, failures carry the measured value, text is escaped', () => {
    const xml = renderJunit('pushbench thresholds: webhook-closed', casesFromThresholds(thresholds));
    expect(xml).toContain('<testsuite name="pushbench thresholds: webhook-closed" tests="2" failures="1"');
    expect(xml).toContain('<testcase classname="pushbench.webhook.latency" name="p99 &lt; 10ms" time="0"><failure message="webhook.latency: p99 &lt; 10ms: measured 11.2ms"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('JUnit for compare: one testcase per gated row, the regressed one fails', () => {
    const comparison = compareResults(resultWithTrials([{ latencyUs: 20_000 }]), resultWithTrials([{ latencyUs: 60_000 }]));
    const cases = casesFromComparison(comparison);
    expect(cases.map((gateCase) => gateCase.name)).toEqual(['webhook.latency p50', 'webhook.latency p90', 'webhook.latency p99', 'webhook.latency p999', 'webhook.latency mean', 'throughput', 'error rate']);
    const xml = renderJunit('pushbench compare', cases);
    expect(xml).toMatch(/name="webhook.latency p99" time="0"><failure message="webhook.latency p99 \+200%: 20.0ms -&gt; 60.0ms \(tolerance 25%/);
  });

  it('Markdown: run summary lists thresholds; compare table marks regressions', () => {
    const run = renderRunMarkdown({ ...result, thresholds });
    expect(run).toMatch(/^### pushbench run `webhook-closed`: FAIL: 1 threshold\(s\) failed/);
    expect(run).toContain('| webhook.latency: p99 < 10ms | 11.2ms | **FAIL** |');
    const comparison = compareResults(resultWithTrials([{ latencyUs: 20_000 }]), resultWithTrials([{ latencyUs: 60_000 }]));
    const table = renderCompareMarkdown(comparison, { baseline: 'base.json', current: 'cur.json' });
    expect(table).toContain('| webhook.latency p99 | 20.0ms | 60.0ms | +200% | 25% | 0% | **REGRESSED** |');
  });

  it('writes --junit and --markdown, and appends the Markdown to the step summary only with --markdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-ci-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const cases = casesFromThresholds(thresholds);
    await writeCiOutputs('suite', cases, '# table\n', { junit: join(dir, 'out/junit.xml'), stepSummary: summary });
    expect(readFileSync(summary, 'utf8')).toBe('earlier step\n');
    await writeCiOutputs('suite', cases, '# table\n', { markdown: join(dir, 'summary-copy.md'), stepSummary: summary });
    expect(readFileSync(join(dir, 'out/junit.xml'), 'utf8')).toContain('<testsuite name="suite"');
    expect(readFileSync(join(dir, 'summary-copy.md'), 'utf8')).toBe('# table\n');
    expect(readFileSync(summary, 'utf8')).toBe('earlier step\n# table\n\n');
  });
});
