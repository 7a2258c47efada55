import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { formatLatencyUs } from '../../../src/report/html/format.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { publishReports } from '../../../src/report/publish/publish.js';
import { readReportData } from '../../../src/report/publish/report-data-reader.js';
import type { TrendData } from '../../../src/report/publish/trend-data.js';
import { fixtureResult } from './report-fixtures.js';

describe('publishReports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-publish-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeReport(relativePath: string, html: string): Promise<void> {
    await mkdir(join(dir, 'reports', relativePath, '..'), { recursive: true });
    await writeFile(join(dir, 'reports', relativePath), html);
  }

  it('copies every report and lists them newest first with headline numbers, escaped', async () => {
    const older = fixtureResult('webhook-burst');
    older.startedAt = '2026-01-01T00:00:00.000Z';
    const newer = fixtureResult('webhook-closed');
    newer.startedAt = '2026-02-01T00:00:00.000Z';
    newer.scenario.name = '<b>closed</b>';
    await writeReport('runs/old run/report.html', renderReport([older]));
    await writeReport('runs/new/report.html', renderReport([newer]));
    await writeReport('notes.html', '<html><body>not a report</body></html>');

    const site = join(dir, 'reports', 'site');
    const outcome = await publishReports(join(dir, 'reports'), site);

    expect(outcome.reports).toEqual([join('runs', 'new', 'report.html'), join('runs', 'old run', 'report.html')]);
    expect(await readFile(join(site, 'runs/old run/report.html'), 'utf8')).toBe(await readFile(join(dir, 'reports/runs/old run/report.html'), 'utf8'));
    const index = await readFile(outcome.indexPath, 'utf8');
    expect(index).toContain('href="runs/old%20run/report.html"');
    expect(index.indexOf('runs/new/report.html')).toBeLessThan(index.indexOf('runs/old%20run/report.html'));
    expect(index).toContain('&lt;b&gt;closed&lt;/b&gt;');
    expect(index).not.toContain('<b>closed</b>');
    expect(index).toContain(`<td class="num">${formatLatencyUs(newer.metrics['webhook.latency']!.p99)}</td>`);
    expect(index).toContain('default-src &#39;none&#39;'); // the attribute is escaped; the browser reads default-src 'none'
    expect(index).not.toMatch(/<script\b/);

    // Publishing again skips the site inside the source directory.
    expect((await publishReports(join(dir, 'reports'), site)).reports).toHaveLength(2);
  });

  it('writes a trend page per scenario: a point per result in time order, each linking its report, gate verdicts marked', async () => {
    const root = join(dir, 'reports');
    const times = ['2026-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
    for (const [index, startedAt] of times.entries()) {
      const result = fixtureResult('webhook-burst');
      result.startedAt = startedAt;
      await mkdir(join(root, 'runs', `run-${index}`), { recursive: true });
      await writeFile(join(root, 'runs', `run-${index}`, 'result.json'), JSON.stringify(result));
      if (index === 0) await writeFile(join(root, 'runs', 'run-0', 'report.html'), renderReport([result]));
    }
    // The CI gate judged run-1 (compare --junit wrote a failure) and run-2 (a passing threshold).
    await writeFile(join(root, 'runs', 'run-1', 'compare.junit.xml'), '<testsuites><testsuite><testcase name="p99"><failure message="p99 +40%"/></testcase></testsuite></testsuites>');
    const passed = JSON.parse(await readFile(join(root, 'runs', 'run-2', 'result.json'), 'utf8'));
    passed.thresholds = [{ metric: 'webhook.latency', threshold: 'p99 < 1s', measured: 1000, unit: 'us', pass: true }];
    await writeFile(join(root, 'runs', 'run-2', 'result.json'), JSON.stringify(passed));
    const delivery = fixtureResult('webhook-vs-websocket');
    await mkdir(join(root, 'baselines'), { recursive: true });
    await writeFile(join(root, 'baselines', 'webhook-vs-websocket.json'), JSON.stringify(delivery));
    await writeFile(join(root, 'baselines', 'notes.json'), '{"not": "a result"}');

    const site = join(dir, 'site');
    const outcome = await publishReports(root, site);
    expect(outcome.trends).toEqual(['trends/webhook-burst.html', 'trends/webhook-vs-websocket.html']);
    const trend = await readFile(join(site, 'trends/webhook-burst.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="pushbench-trend">([^<]*)<\/script>/.exec(trend)![1]!) as TrendData;
    expect(data.points.map((point) => [point.startedAt, point.href, point.verdict])).toEqual([
      ['2026-01-01T00:00:00.000Z', '../runs/run-1/result.report.html', 'fail'],
      ['2026-02-01T00:00:00.000Z', '../runs/run-2/result.report.html', 'pass'],
      ['2026-03-01T00:00:00.000Z', '../runs/run-0/report.html', undefined],
    ]);
    expect(data.charts.every((chart) => chart.series.every((series) => series.values.length === 3))).toBe(true);
    for (const point of data.points) expect(readReportData(await readFile(join(site, 'trends', point.href), 'utf8'))).toBeDefined();
    expect(trend).toContain('<span class="badge invalid">fail</span>');
    const deliveryTrend = JSON.parse(/id="pushbench-trend">([^<]*)</.exec(await readFile(join(site, 'trends/webhook-vs-websocket.html'), 'utf8'))![1]!) as TrendData;
    expect(deliveryTrend.charts[0]?.series.map((series) => series.label)).toEqual(['webhook', 'websocket', 'websocket-ack']);
    const index = await readFile(outcome.indexPath, 'utf8');
    expect(index).toContain('<a href="trends/webhook-burst.html">webhook-burst</a> <small>3 results, 1 failed the gate</small>');
  });

  it('refuses a directory without reports, and a missing one', async () => {
    await expect(publishReports(dir, join(dir, 'site'))).rejects.toThrow(InputError);
    await expect(publishReports(join(dir, 'missing'), join(dir, 'site'))).rejects.toThrow(/not a directory/);
  });
});
