import { describe, expect, it } from 'vitest';
import { OKABE_ITO, transportColour } from '../../../src/report/html/palette.js';
import { deliveryHeadlineTable, formatRequestsPerEvent } from '../../../src/report/html/delivery-headline.js';
import { deliveryCostTable } from '../../../src/report/html/delivery-cost-table.js';
import { transportSeries } from '../../../src/report/html/delivery-series.js';
import { deliveryDiagnosticCharts } from '../../../src/report/html/delivery-charts.js';
import { renderDeliveryTable } from '../../../src/delivery/summary-table.js';
import { fixtureResult } from './report-fixtures.js';

const SIX = ['webhook', 'websocket', 'websocket-ack', 'sse', 'polling', 'long-polling'];

describe('the six delivery transports in the report', () => {
  it('each keeps its own Okabe-Ito colour, whatever ran before it', () => {
    const colours = SIX.map((transport) => transportColour(transport, [...SIX].reverse()));
    expect(new Set(colours).size).toBe(6);
    expect(transportColour('sse', ['sse'])).toBe(OKABE_ITO.orange);
    expect(transportColour('polling', ['polling'])).toBe(OKABE_ITO.reddishPurple);
    expect(transportColour('long-polling', ['long-polling'])).toBe(OKABE_ITO.skyBlue);
    // A transport the palette does not know takes a hue none of the six uses.
    expect(colours).not.toContain(transportColour('carrier-pigeon', [...SIX, 'carrier-pigeon']));
  });

  it('the headline, cost table and text summary show requests per delivered event, "-" for older results', () => {
    const older = fixtureResult('webhook-vs-websocket');
    const webhook = older.delivery!.transports.webhook!;
    expect(webhook.requests).toBeUndefined();
    const newer = structuredClone(older);
    newer.delivery!.transports.webhook = { ...webhook, requests: 30_450, requestsPerDelivered: 1.0152 };
    newer.delivery!.transports.websocket = { ...newer.delivery!.transports.websocket!, requests: 60, requestsPerDelivered: 0.002 };
    const headline = deliveryHeadlineTable(transportSeries([newer], ['run']));
    expect(headline).toContain('>requests per event</th>');
    expect(headline).toContain('>1.02<');
    expect(headline).toContain('>0.002<');
    expect(deliveryHeadlineTable(transportSeries([older], ['run']))).not.toMatch(/>\d\.\d{2,3}<\/td>/);
    expect(deliveryCostTable(transportSeries([newer], ['run']))).toContain('>30,450<');
    const table = renderDeliveryTable(newer);
    expect(table[1]).toContain('req/event');
    expect(table.find((line) => line.trimStart().startsWith('webhook '))).toMatch(/ 1\.02 /);
    expect(table.find((line) => line.trimStart().startsWith('websocket '))).toMatch(/ 0\.002 /);
    // The diagnostics chart the figure as bars, one per transport that has it; older results get no such chart.
    const charts = deliveryDiagnosticCharts(transportSeries([newer], ['run']));
    const bars = charts.find((chart) => chart.kind === 'bar');
    expect(bars?.kind === 'bar' ? bars.series.map((series) => [series.label, series.values]) : []).toEqual([
      ['webhook', [1.0152]],
      ['websocket', [0.002]],
    ]);
    expect(deliveryDiagnosticCharts(transportSeries([older], ['run'])).some((chart) => chart.kind === 'bar')).toBe(false);
    expect(formatRequestsPerEvent(0.0015)).toBe('0.002');
    expect(formatRequestsPerEvent(2.5)).toBe('2.50');
  });
});
