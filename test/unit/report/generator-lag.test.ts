import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/html/render-report.js';
import { renderTextSummary } from '../../../src/report/text-summary.js';
import type { RunResult } from '../../../src/result/run-result.js';
import { fixtureResult } from './report-fixtures.js';

const generatedAt = new Date('2026-01-02T03:04:05Z');

/** The recorded webhook-burst result as the new rule writes it: its generator's figures and the nearest bound. */
function judged(): RunResult {
  const result = fixtureResult('webhook-burst');
  delete result.validity.lateSends;
  delete result.validity.lateSendFraction;
  delete result.validity.lateSendThresholdUs;
  result.validity.generators = [
    {
      role: 'generator',
      pid: 4321,
      cpuShare: 0.31,
      runQueueWaitShare: 0.04,
      eventLoopUtilization: 0.3,
      eventLoopDelayP50Us: 150,
      eventLoopDelayP90Us: 700,
      eventLoopDelayP99Us: 1_900,
      eventLoopDelayMaxUs: 6_000,
      dispatched: 76_000,
      sendLagP50Us: 610,
      sendLagP90Us: 1_020,
      sendLagP99Us: 1_470,
      sendLagMaxUs: 9_100,
      worstWindowRateShare: 1,
      worstWindowSecond: 0,
    },
  ];
  result.validity.nearestBound = { process: 'generator (pid 4321)', figure: 'sendLag p99', value: 1_470, bound: 5_000, unit: 'us', ratio: 0.294 };
  return result;
}

describe('the generator\'s send lag in the summary and the report', () => {
  it('the summary\'s validity line shows the figure that came nearest its bound', () => {
    const text = renderTextSummary(judged());
    expect(text).toContain('  validity   ok (nearest its bound: generator (pid 4321) sendLag p99 1.47ms, bound 5.00ms)');
    expect(text).not.toContain('late sends');
  });

  it('a share-type figure shows as a percentage', () => {
    const result = judged();
    result.validity.nearestBound = { process: 'ws-client-0 (pid 77)', figure: 'achieved share of the schedule in its worst second', value: 0.95, bound: 0.9, unit: 'share', ratio: 0.5 };
    expect(renderTextSummary(result)).toContain('(nearest its bound: ws-client-0 (pid 77) achieved share of the schedule in its worst second 95.0%, bound 90.0%)');
  });

  it('the report shows sendLag p50/p90/p99 beside the main latency, and the worst sendLag p99 in the validity table', () => {
    const result = judged();
    const html = renderReport([result], { generatedAt });
    const table = /<h3>Generator send lag beside the latency<\/h3>[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(table).toContain('generator (pid 4321)');
    for (const cell of ['610 µs', '1.02 ms', '1.47 ms', 'webhook.latency']) expect(table).toContain(cell);
    const latency = result.metrics['webhook.latency']!;
    expect(table).toContain(`${((1_470 / latency.p99) * 100).toFixed(0)}%`);
    expect(html).toContain('sendLag p99 (worst process)');
  });

  it('an older result (late sends, no generator figures) still renders and summarizes as before', () => {
    const old = fixtureResult('webhook-burst');
    expect(old.validity.generators).toBeUndefined();
    expect(renderTextSummary(old)).toMatch(/validity +\w+ \(event loop p99 [^,]+, busy \d+%, late sends [\d.]+%\)/);
    const html = renderReport([old], { generatedAt });
    expect(html).not.toContain('Generator send lag beside the latency');
    expect(html).toMatch(/[\d.]+% late<\/td>/);
  });
});
