import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/html/render-report.js';
import { renderTextSummary } from '../../../src/report/text-summary.js';
import { parseResult } from '../../../src/result/read-result.js';
import { embeddedData } from './report-fixtures.js';

/** A recorded sse-small run (300 streams, every one cut once and resumed from the built-in target's history). */
function sseResult() {
  const path = join(import.meta.dirname, '../../fixtures/results/sse-small/result.json');
  return parseResult(readFileSync(path, 'utf8'), path);
}

describe('an SSE run in the text summary and the HTML report', () => {
  it('the summary has one sse block from the counters and no ws block', () => {
    const text = renderTextSummary(sseResult());
    expect(text).toContain('  sse        opened 300  peak 300  failed 0  dropped 300');
    expect(text).toContain('             events 4500  reconnects 300 (resumed 300)  gaps 0  duplicates 0  reordered 0');
    expect(text).toContain('             server: streams 600  events sent 4500  replayed 1024  not replayed 0');
    expect(text).not.toMatch(/^ {2}ws {9}/m);
  });

  it('the report heads with sse.push, counts streams in its cards and charts open streams on both sides', () => {
    const result = sseResult();
    const html = renderReport([result], { generatedAt: new Date('2026-01-02T03:04:05Z') });
    expect(html).toContain('<div class="label">sse.push p99</div>');
    expect(html).toContain('<div class="label">connections opened</div><div class="value">300 (100.00%)</div>');
    expect(html).toContain('<div class="label">failed or dropped</div><div class="value">300 conn</div>');
    const open = embeddedData(html)
      .sections.flatMap((section) => section.charts)
      .find((chart) => chart.title === 'open connections: client and server');
    expect(open?.series.map((series) => series.label).sort()).toEqual(['sse.connections', 'sse.server.streams']);
    for (const shard of result.validity.shards!) expect(html).toContain(`<td>${shard.role}</td>`);
  });
});
