import { describe, expect, it } from 'vitest';
import { runHeadline } from '../../../src/report/html/headline.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { fixtureResult } from './report-fixtures.js';

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
