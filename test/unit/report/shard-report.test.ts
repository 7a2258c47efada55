import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/html/render-report.js';
import { renderTextSummary } from '../../../src/report/text-summary.js';
import type { MergeInfo } from '../../../src/result/run-result.js';
import { fixtureResult } from './report-fixtures.js';

const merged: MergeInfo = {
  count: 3,
  planHash: 'a'.repeat(64),
  startAt: '2026-11-28T17:00:00.000Z',
  startSpreadUs: 1_250,
  missing: [2],
  shards: [
    { index: 0, file: 's0/result.json', hostname: 'node-a', startedAt: '2026-11-28T17:00:00.000Z', startSkewUs: 250, durationMs: 2_000, valid: true, reasons: [], cpuMs: 1_500, maxRssBytes: 80e6, eventLoopDelayP99Us: 2_000, lateSendFraction: 0, achievedRatePerSec: 166 },
    { index: 1, file: 's1/result.json', hostname: '<node-b>', startedAt: '2026-11-28T17:00:00.001Z', startSkewUs: 1_500, durationMs: 2_000, valid: false, reasons: ['late <by far>'], cpuMs: 1_400, maxRssBytes: 81e6, eventLoopDelayP99Us: 3_000, lateSendFraction: 0.1 },
  ],
};

describe('a merged result in the report and the summary', () => {
  const result = { ...fixtureResult('webhook-burst'), merged };

  it('shows each shard\'s health and each missing shard as a row of its own, escaped', () => {
    const html = renderReport([result], { generatedAt: new Date('2026-01-02T03:04:05Z') });
    const table = /<section id="shards">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    const rows = table.split('<tr>').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('node-a');
    expect(rows[0]).toContain('+250 µs');
    expect(rows[1]).toContain('&lt;node-b&gt;');
    expect(rows[1]).toContain('late &lt;by far&gt;');
    expect(rows[1]).toContain('INVALID');
    expect(rows[2]).toContain('2 of 3');
    expect(rows[2]).toContain('MISSING');
    expect(table).toContain('2 of 3 shards merged');
  });

  it('has no shard section for a result that is not a merge', () => {
    expect(renderReport([fixtureResult('webhook-burst')])).not.toContain('id="shards"');
  });

  it('the summary names the merge, and a shard says its thresholds are judged at merge', () => {
    expect(renderTextSummary(result)).toContain('merged     2 of 3 shards, missing 2; starts spread over 1.25ms');
    const shard = { ...fixtureResult('webhook-burst'), shard: { index: 1, count: 3, planHash: 'x', startedAt: merged.startAt!, startSkewUs: 420, startAt: merged.startAt } };
    expect(renderTextSummary(shard)).toContain('shard      1 of 3, started 420us after --start-at; thresholds: judged at merge');
  });
});
