import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/html/render-report.js';
import { OKABE_ITO, runColour } from '../../../src/report/html/palette.js';
import { renderTextSummary } from '../../../src/report/text-summary.js';
import { fixtureResult } from './report-fixtures.js';

/** The swatch colour of each row of the latency table of `metric`. */
function rowColours(html: string, metric: string): string[] {
  const percentiles = html.slice(html.indexOf('<section id="percentiles">'));
  const table = percentiles.slice(percentiles.indexOf(`<h3>${metric}</h3>`));
  const body = table.slice(0, table.indexOf('</table>'));
  return [...body.matchAll(/class="swatch" style="background:([^"]+)"/g)].map((match) => match[1]!);
}

describe('latency tables colour each delivery metric with its transport', () => {
  it('webhook blue, websocket vermillion, websocket-ack bluish green; other metrics keep the run colour', () => {
    const delivery = fixtureResult('webhook-vs-websocket');
    const burst = fixtureResult('webhook-burst');
    const html = renderReport([delivery, burst]);
    expect(rowColours(html, 'delivery.webhook.latency')).toEqual([OKABE_ITO.blue]);
    expect(rowColours(html, 'delivery.websocket.latency')).toEqual([OKABE_ITO.vermillion]);
    expect(rowColours(html, 'delivery.websocket-ack.sendDelay')).toEqual([OKABE_ITO.bluishGreen]);
    expect(rowColours(html, 'webhook.latency')).toEqual([runColour(1)]);
  });
});

describe('the summary\'s ws server line', () => {
  it('is printed for the built-in server (it counts ws.server.*) and not for an external one', () => {
    const builtin = fixtureResult('ws-small');
    expect(renderTextSummary(builtin)).toMatch(/\n {13}server: opened \d+ {2}peak \d+\n/);
    const external = fixtureResult('ws-small');
    for (const name of Object.keys(external.counters)) if (name.startsWith('ws.server.')) delete external.counters[name];
    const text = renderTextSummary(external);
    expect(text).toContain('  ws         opened ');
    expect(text).not.toContain('server: opened');
  });
});
