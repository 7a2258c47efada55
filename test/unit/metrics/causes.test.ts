import { describe, expect, it } from 'vitest';
import { CauseBook, MAX_CAUSE_CHARS, MAX_CAUSES, mergeCauses } from '../../../src/metrics/causes.js';
import { readFileSync } from 'node:fs';
import { mergeShardResults } from '../../../src/result/merge-results.js';
import { parseResult } from '../../../src/result/read-result.js';
import type { RunResult } from '../../../src/result/run-result.js';
import { renderTextSummary } from '../../../src/report/text-summary.js';
import { renderReport } from '../../../src/report/html/render-report.js';

describe('causes', () => {
  it('keeps the first MAX_CAUSES distinct causes per counter with exact counts; later new causes are not kept; each is one bounded line', () => {
    const book = new CauseBook();
    for (let i = 0; i < 8; i++) book.note('ws.connections.failed.handshake', `cause ${i}`, i + 1);
    book.note('ws.connections.failed.handshake', 'cause 0', 10);
    book.note('webhook.errors.5xx', `HTTP 503: ${'x'.repeat(1000)}\r\nline two`);
    const out = book.toJSON();
    expect(Object.keys(out)).toEqual(['webhook.errors.5xx', 'ws.connections.failed.handshake']);
    expect(out['ws.connections.failed.handshake']).toEqual([
      { cause: 'cause 0', count: 11 },
      { cause: 'cause 1', count: 2 },
      { cause: 'cause 2', count: 3 },
      { cause: 'cause 3', count: 4 },
      { cause: 'cause 4', count: 5 },
    ]);
    expect(out['ws.connections.failed.handshake']).toHaveLength(MAX_CAUSES);
    const long = out['webhook.errors.5xx']![0]!.cause;
    expect(long).toHaveLength(MAX_CAUSE_CHARS);
    expect(long).not.toMatch(/[\r\n]/);
  });

  it('merge adds the same causes over results, bounded', () => {
    expect(
      mergeCauses([
        { 'ws.requests.timeouts': [{ cause: 'no reply within 5s of the intended send time', count: 3 }] },
        undefined,
        { 'ws.requests.timeouts': [{ cause: 'no reply within 5s of the intended send time', count: 4 }], 'ws.connections.failed.refused': [{ cause: 'connect ECONNREFUSED 10.0.0.1:80', count: 1 }] },
      ]),
    ).toEqual({
      'ws.connections.failed.refused': [{ cause: 'connect ECONNREFUSED 10.0.0.1:80', count: 1 }],
      'ws.requests.timeouts': [{ cause: 'no reply within 5s of the intended send time', count: 7 }],
    });
  });
});

describe('causes through merge, summary and report', () => {
  const base = parseResult(readFileSync(new URL('../../fixtures/results/webhook-burst/result.json', import.meta.url), 'utf8'), 'fixture');
  const shard = (index: number, causes: RunResult['causes']): { file: string; result: RunResult } => ({
    file: `shard-${index}/result.json`,
    result: {
      ...base,
      counters: { ...base.counters, 'webhook.errors.5xx': 2 },
      ...(causes ? { causes } : {}),
      shard: { index, count: 2, planHash: 'a'.repeat(64), startedAt: base.startedAt, startSkewUs: 0 },
    },
  });

  it('merge sums causes over shards; the summary and the HTML report show them', () => {
    const merged = mergeShardResults([
      shard(0, { 'webhook.errors.5xx': [{ cause: 'HTTP 503: busy', count: 2 }] }),
      shard(1, { 'webhook.errors.5xx': [{ cause: 'HTTP 503: busy', count: 1 }, { cause: 'HTTP 502: <html>bad gateway</html>', count: 1 }] }),
    ]);
    expect(merged.causes).toEqual({ 'webhook.errors.5xx': [{ cause: 'HTTP 503: busy', count: 3 }, { cause: 'HTTP 502: <html>bad gateway</html>', count: 1 }] });
    const lines = renderTextSummary(merged).split('\n');
    expect(lines[1]).toBe('  causes     webhook.errors.5xx:       3 x HTTP 503: busy');
    expect(lines[2]).toBe(`${' '.repeat(39)}1 x HTTP 502: <html>bad gateway</html>`);
    const html = renderReport([merged]);
    expect(html).toContain('<section id="causes">');
    expect(html).toContain('HTTP 502: &lt;html&gt;bad gateway&lt;/html&gt;');
    expect(mergeShardResults([shard(0, undefined), shard(1, undefined)]).causes).toBeUndefined();
  });
});
