import { describe, expect, it } from 'vitest';
import { formatLatencyUs } from '../../../src/report/html/format.js';
import { runHeadline } from '../../../src/report/html/headline.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { embeddedData, fixtureResult } from './report-fixtures.js';

describe('a delivery comparison in the report', () => {
  const result = fixtureResult('webhook-vs-websocket');

  it('shows what each transport cost, from result.delivery', () => {
    const html = renderReport([result], { generatedAt: new Date('2026-01-02T03:04:05Z') });
    const table = /<table class="delivery-cost">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    for (const [transport, cost] of Object.entries(result.delivery!.transports)) {
      const row = new RegExp(`</span>${transport}</th>(.*?)</tr>`).exec(table)?.[1] ?? '';
      expect(row, transport).toContain(`>${cost.sendCpuMsPer1kEvents.toFixed(1)} ms<`);
      expect(row, transport).toContain(`>${cost.receiveCpuMsPer1kEvents.toFixed(1)} ms<`);
      expect(row, transport).toContain(`>${Math.round(cost.bytesPerDelivered).toLocaleString('en-US')} B<`);
    }
    expect(table).toMatch(/<\/span>webhook<\/th>.*>\d+\.\d\dx</);
  });

  it('counts (event, subscriber) pairs in its headline: published, delivered, lost', () => {
    const headline = runHeadline(result);
    const transports = Object.values(result.delivery!.transports);
    expect(headline.delivery).toBe(true);
    expect(headline.sent).toBe(transports.reduce((sum, t) => sum + t.published, 0));
    expect(headline.ok).toBe(transports.reduce((sum, t) => sum + t.delivered, 0));
    expect(headline.errors).toBe(transports.reduce((sum, t) => sum + t.lost, 0));
  });
});

describe('the delivery section: transports are the series', () => {
  const generatedAt = new Date('2026-01-02T03:04:05Z');

  it('overlays the transports on the latency, delivered-per-second and ledger charts, with the outage shaded', () => {
    const result = fixtureResult('webhook-vs-websocket');
    const data = embeddedData(renderReport([result], { generatedAt }));
    const delivery = data.sections.find((section) => section.id === 'delivery');
    expect(delivery?.charts.map((chart) => chart.series.map((series) => series.label))).toEqual([
      ['webhook', 'websocket', 'websocket-ack'],
      ['webhook', 'websocket', 'websocket-ack'],
      ['webhook', 'websocket', 'websocket-ack'],
    ]);
    expect(delivery?.charts.map((chart) => chart.series.map((series) => series.colour))).toEqual(Array(3).fill(['#0072B2', '#D55E00', '#009E73']));
    const perSecond = delivery?.charts[1];
    expect(perSecond?.kind === 'line' && perSecond.bands).toEqual([{ fromX: 5, toX: 10, label: 'receiver outage' }]);
    const websocket = perSecond?.kind === 'line' ? perSecond.series[1]?.points : [];
    expect(websocket?.map(([, count]) => count)).toEqual(result.delivery!.transports.websocket!.deliveredPerSecond);
    const ledger = delivery?.charts[2];
    expect(ledger?.kind === 'bar' && ledger.series[1]?.values).toEqual([30000, result.delivery!.transports.websocket!.delivered, result.delivery!.transports.websocket!.lost, 0, 0, 0]);
    const diagnostics = data.sections.find((section) => section.id === 'delivery-diagnostics');
    expect(diagnostics?.collapsed).toBe(true);
    expect(diagnostics?.charts[0]?.title).toContain('send delay');
  });

  it('puts a headline row per transport in the summary: delivered %, lost, duplicates, p50/p99, CPU and bytes per event', () => {
    const result = fixtureResult('webhook-vs-websocket');
    const html = renderReport([result], { generatedAt });
    const table = /<table class="delivery-headline">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const websocket = result.delivery!.transports.websocket!;
    const row = /<\/span>websocket<\/th>(.*?)<\/tr>/.exec(table)?.[1] ?? '';
    expect(row).toContain(`>${((websocket.delivered / websocket.published) * 100).toFixed(2)}%<`);
    expect(row).toContain(`>${websocket.lost.toLocaleString('en-US')}<`);
    expect(row).toContain(`>${(websocket.sendCpuMsPer1kEvents + websocket.receiveCpuMsPer1kEvents).toFixed(1)} ms<`);
    expect(row).toContain(`>${formatLatencyUs(result.metrics['delivery.websocket.latency']!.p99)}<`);
    expect(html).toMatch(/<section id="delivery-diagnostics"><details><summary>/);
  });

  it('names run and transport in the legend when several runs are compared, one colour per transport', () => {
    const data = embeddedData(renderReport([fixtureResult('webhook-vs-websocket'), fixtureResult('webhook-vs-websocket')], { labels: ['before', 'after'], generatedAt }));
    const latency = data.sections.find((section) => section.id === 'delivery')?.charts[0];
    expect(latency?.series.map((series) => series.label)).toEqual([
      'before · webhook',
      'before · websocket',
      'before · websocket-ack',
      'after · webhook',
      'after · websocket',
      'after · websocket-ack',
    ]);
    expect(latency?.series[0]?.colour).toBe(latency?.series[3]?.colour);
    expect(latency?.series[3]?.dash).toBeDefined();
  });

  it('reads an older result without per-second deliveries: no per-second chart, the rest intact', () => {
    const result = fixtureResult('webhook-vs-websocket');
    for (const cost of Object.values(result.delivery!.transports)) delete cost.deliveredPerSecond;
    delete result.delivery!.outage;
    const titles = embeddedData(renderReport([result], { generatedAt })).sections.find((section) => section.id === 'delivery')?.charts.map((chart) => chart.title);
    expect(titles).toHaveLength(2);
    expect(titles?.join()).not.toContain('per second');
  });
});
