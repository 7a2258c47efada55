import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatLatencyUs } from '../../../src/report/html/format.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { percentileSpectrum } from '../../../src/report/html/percentile-spectrum.js';
import { embeddedData, fixtureResult } from './report-fixtures.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const generatedAt = new Date('2026-01-02T03:04:05Z');

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
}

describe('renderReport: safe to publish', () => {
  const result = fixtureResult('webhook-burst');
  result.scenario.name = HOSTILE;
  result.validity.warnings = ['</script><script>alert(2)</script>'];
  result.scenario.config = { name: HOSTILE, webhook: { secret: 'whsec_c2VjcmV0LXZhbHVl', headers: { 'x-api-token': 'tok_live_123456' } } };
  const html = renderReport([result], { generatedAt });

  it('shows a hostile scenario name as text, never as markup', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert(2)');
  });

  it('has exactly the three scripts it means to: the data, Chart.js and its own', () => {
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html).toContain('<script type="application/json" id="pushbench-data">');
  });

  it('carries a CSP that forbids remote loads and pins the inline scripts by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replaceAll('&#39;', "'");
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src data:");
    expect(csp).not.toMatch(/https?:|\*/);
    for (const script of inlineScripts(html)) {
      const hash = createHash('sha256').update(script, 'utf8').digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    }
  });

  it('loads nothing remote: no src or href to http(s), no link elements, no external script', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/sourceMappingURL/);
  });

  it('leaves no secret in the page, even from a result that was not redacted', () => {
    expect(html).not.toContain('whsec_c2VjcmV0LXZhbHVl');
    expect(html).not.toContain('tok_live_123456');
    expect(html).toContain('&lt;redacted&gt;');
  });

  it('does not publish the absolute path of the scenario file', () => {
    expect(html).not.toContain('/work/main/scenarios');
    expect(html).toContain('webhook-burst.yaml');
  });
});

describe('renderReport: content', () => {
  it('embeds data that round-trips: labels, colours, headline numbers and spectra from the histograms', () => {
    const burst = fixtureResult('webhook-burst');
    const closed = fixtureResult('webhook-closed');
    const data = embeddedData(renderReport([burst, closed], { generatedAt, title: 'A vs B' }));
    expect(data.title).toBe('A vs B');
    expect(data.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(data.runs.map((run) => run.label)).toEqual(['webhook-burst', 'webhook-closed']);
    expect(data.runs[1]?.headline).toMatchObject({ metric: 'webhook.latency', p99Us: closed.metrics['webhook.latency']!.p99, sent: 80_889, errors: 0, valid: true });

    const spectrum = data.sections.find((section) => section.id === 'spectrum')?.charts[0];
    expect(spectrum?.title).toBe('webhook.latency by percentile');
    expect(spectrum?.kind === 'line' && spectrum.yLabel).toBe('latency (ms)');
    const expected = percentileSpectrum(burst.metrics['webhook.latency']!.hdr);
    const drawn = spectrum?.kind === 'line' ? spectrum.series[0]?.points : undefined;
    expect(drawn).toHaveLength(expected.length);
    expect(drawn?.at(-1)?.[1]).toBeCloseTo(expected.at(-1)!.latencyUs / 1000, 0);
  });

  it('charts timelines and the connection ramp from the names in the results', () => {
    const data = embeddedData(renderReport([fixtureResult('webhook-burst')], { generatedAt }));
    const titles = data.sections.flatMap((section) => section.charts.map((chart) => chart.title));
    expect(titles).toEqual(
      expect.arrayContaining([
        'webhook requests per second: asked (scheduled, dashed) vs achieved (sent, ok)',
        'webhook.latency p50/p99 per second',
        'webhook errors per second, by class',
        'webhook.connections.open (open connections)',
      ]),
    );
    expect(data.sections.map((section) => section.id)).not.toContain('delivery');
  });

  it('charts the rates of an older result without the asked count or the per-second p50', () => {
    const old = fixtureResult('webhook-closed');
    const charts = embeddedData(renderReport([old], { generatedAt })).sections.flatMap((section) => section.charts);
    const rates = charts.find((chart) => chart.title === 'webhook events per second');
    expect(rates?.series.map((series) => series.label)).toEqual(expect.arrayContaining(['webhook.sent', 'webhook.ok']));
    expect(charts.map((chart) => chart.title)).toContain('webhook.latency p99 per second');
  });

  it('charts asked against achieved rate and p50/p99 per second when the run recorded them', () => {
    const burst = fixtureResult('webhook-burst');
    burst.timeline.forEach((point) => {
      point.counts['webhook.scheduled'] = point.counts['webhook.sent'] ?? 0;
      point.p50Us = { 'webhook.latency': 1000 };
    });
    const charts = embeddedData(renderReport([burst], { generatedAt })).sections.flatMap((section) => section.charts);
    const rates = charts.find((chart) => chart.title.startsWith('webhook requests per second: asked'));
    const labels = rates?.series.map((series) => series.label);
    expect(labels?.[0]).toBe('webhook.scheduled');
    expect(rates?.series[0]?.dash).toEqual([6, 4]);
    expect(labels).toEqual(expect.arrayContaining(['webhook.sent', 'webhook.ok']));
    const latency = charts.find((chart) => chart.title === 'webhook.latency p50/p99 per second');
    expect(latency?.series.map((series) => series.label)).toEqual(['p50', 'p99']);
  });

  it('charts both sides of a WebSocket ramp (client and server open connections)', () => {
    const ws = fixtureResult('webhook-closed');
    ws.timeline.forEach((point, second) => Object.assign(point.gauges, { 'ws.connections': 100 * second, 'ws.server.connections': 100 * second }));
    const charts = embeddedData(renderReport([ws], { generatedAt })).sections.flatMap((section) => section.charts);
    const ramp = charts.find((chart) => chart.title === 'open connections: client and server');
    expect(ramp?.series.map((series) => series.label)).toEqual(expect.arrayContaining(['ws.connections', 'ws.server.connections']));
  });

  it('colours the change against the first run: slower is worse, faster is better', () => {
    const first = fixtureResult('webhook-burst');
    const second = fixtureResult('webhook-burst');
    const metric = second.metrics['webhook.latency']!;
    metric.p99 = first.metrics['webhook.latency']!.p99 * 2;
    metric.p50 = first.metrics['webhook.latency']!.p50 / 2;
    const html = renderReport([first, second], { generatedAt });
    expect(html).toContain('<span class="change worse" title="against the first run">+100.0%</span>');
    expect(html).toContain('<span class="change better" title="against the first run">−50.0%</span>');
  });

  it('puts a warning banner on an invalid run, with its reasons', () => {
    const valid = fixtureResult('webhook-closed');
    const invalid = fixtureResult('webhook-burst');
    invalid.validity.ok = false;
    invalid.validity.reasons = ['generator saturated: 41% of sends were late'];
    const html = renderReport([valid, invalid], { generatedAt });
    expect(html).toMatch(/<div class="banner invalid" role="alert"><strong>Run “webhook-burst” is INVALID[^<]*<\/strong><ul><li>generator saturated: 41% of sends were late<\/li>/);
    expect(renderReport([valid], { generatedAt })).not.toContain('banner invalid');
  });

  it('marks a run with an unbalanced delivery ledger invalid and tables the ledger', () => {
    const result = fixtureResult('webhook-closed');
    Object.assign(result.counters, { 'ledger.webhook.published': 100, 'ledger.webhook.delivered': 90, 'ledger.webhook.lost': 5 });
    const html = renderReport([result], { generatedAt });
    expect(html).toContain('ledger of webhook unbalanced: published 100 but delivered + lost + in flight = 95');
    expect(html).toContain('UNBALANCED');
    expect(embeddedData(html).sections.map((section) => section.id)).toContain('delivery-diagnostics');
    expect(html).toMatch(/<table class="ledger">.*<td>webhook<\/td><td class="num">100<\/td><td class="num">90<\/td><td class="num">5<\/td>/s);
  });

  it('headlines a single run with big numbers for its main metric', () => {
    const result = fixtureResult('webhook-closed');
    const html = renderReport([result], { generatedAt });
    const p99 = formatLatencyUs(result.metrics['webhook.latency']!.p99);
    expect(html).toContain(`<div class="label">webhook.latency p99</div><div class="value">${p99}</div>`);
    expect(html).toContain('<div class="label">errors</div><div class="value">0 requests</div>');
  });

  it('keeps a 10-run comparison within 1.5 MB', () => {
    const results = Array.from({ length: 10 }, (_, run) => fixtureResult(run % 2 === 0 ? 'webhook-burst' : 'webhook-closed'));
    const sizeBytes = Buffer.byteLength(renderReport(results, { generatedAt }));
    expect(sizeBytes).toBeLessThanOrEqual(1.5 * 1024 * 1024);
  });

  it('refuses to render nothing', () => {
    expect(() => renderReport([])).toThrow(/no results/);
  });
});

describe('renderReport: WebSocket and webhook specifics', () => {
  const generatedAt = new Date('2026-01-02T03:04:05Z');

  it('charts drops by close code per second and tables each WebSocket process', () => {
    const ws = fixtureResult('ws-small');
    Object.assign(ws.timeline[2]!.counts, { 'ws.connections.dropped.1006': 12, 'ws.connections.dropped.1001': 3 });
    ws.counters['ws.connections.dropped.1006'] = 12;
    ws.counters['ws.connections.dropped.1001'] = 3;
    const html = renderReport([ws], { generatedAt });
    const drops = embeddedData(html)
      .sections.flatMap((section) => section.charts)
      .find((chart) => chart.title === 'connections dropped per second, by close code');
    expect(drops?.series.map((series) => series.label)).toEqual(['ws.connections.dropped.1006', 'ws.connections.dropped.1001']);
    const first = drops?.kind === 'line' ? drops.series[0]?.points : [];
    expect(first?.find(([second]) => second === 2)?.[1]).toBe(12);
    const processes = /<table class="ws-processes">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    for (const shard of ws.validity.shards!) expect(processes).toContain(`<td>${shard.role}</td>`);
    expect(html).toContain('<div class="label">failed or dropped</div><div class="value">15 conn</div>');
  });

  it('has no drop chart when nothing dropped', () => {
    const titles = embeddedData(renderReport([fixtureResult('ws-small')], { generatedAt })).sections.flatMap((section) => section.charts.map((chart) => chart.title));
    expect(titles.join()).not.toContain('dropped');
  });

  it('gives each webhook target a row when a run sent to several, found by metric name', () => {
    const run = fixtureResult('webhook-burst');
    const latency = run.metrics['webhook.latency']!;
    run.metrics['webhook.orders.latency'] = { ...latency, p99: 1_500 };
    run.metrics['webhook.billing.latency'] = { ...latency, p99: 9_000 };
    Object.assign(run.counters, { 'webhook.orders.ok': 600, 'webhook.billing.ok': 550, 'webhook.billing.errors.5xx': 40, 'webhook.billing.errors.timeout': 10 });
    const table = /<table class="webhook-targets">([\s\S]*?)<\/table>/.exec(renderReport([run], { generatedAt }))?.[1] ?? '';
    expect(table).toMatch(/<td>orders<\/td><td class="num">600<\/td><td class="num">0<\/td><td class="num">[^<]+<\/td><td class="num">1\.50 ms<\/td>/);
    expect(table).toMatch(/<td>billing<\/td><td class="num">550<\/td><td class="num">50<\/td><td class="num">[^<]+<\/td><td class="num">9\.00 ms<\/td>/);
    expect(renderReport([fixtureResult('webhook-burst')], { generatedAt })).not.toContain('webhook-targets');
  });
});

describe('renderReport: per-second charts stay legible with many runs', () => {
  const generatedAt = new Date('2026-01-02T03:04:05Z');
  const rateChart = (runs: number): string[] | undefined =>
    embeddedData(renderReport(Array.from({ length: runs }, () => fixtureResult('webhook-burst')), { generatedAt }))
      .sections.flatMap((section) => section.charts)
      .find((chart) => chart.title.startsWith('webhook requests') || chart.title.startsWith('webhook ok'))
      ?.series.map((series) => series.label);

  it('shows asked and achieved per run for up to three runs, achieved alone beyond', () => {
    expect(rateChart(2)).toEqual(['webhook-burst · webhook.scheduled', 'webhook-burst · webhook.ok', 'webhook-burst #2 · webhook.scheduled', 'webhook-burst #2 · webhook.ok']);
    expect(rateChart(5)).toEqual(['webhook-burst', 'webhook-burst #2', 'webhook-burst #3', 'webhook-burst #4', 'webhook-burst #5']);
  });

  it('draws no per-second error chart for the delivery comparison\'s failed attempts (totals per transport, with their causes)', () => {
    const result = fixtureResult('webhook-vs-websocket');
    Object.assign(result.counters, { 'delivery.webhook.errors.5xx': 3, 'delivery.webhook.errors.timeout': 2 });
    const titles = embeddedData(renderReport([result], { generatedAt })).sections.flatMap((section) => section.charts.map((chart) => chart.title));
    expect(titles.filter((title) => title.includes('errors per second'))).toEqual([]);
  });

  it('leaves runs that never counted an area out of its charts', () => {
    const data = embeddedData(renderReport([fixtureResult('webhook-burst'), fixtureResult('webhook-vs-websocket')], { labels: ['load', 'delivery'], generatedAt }));
    const errors = data.sections.flatMap((section) => section.charts).find((chart) => chart.title === 'webhook errors per second, by class');
    expect(errors?.series.map((series) => series.label)).toEqual(['load']);
  });
});
