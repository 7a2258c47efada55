import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/html/render-report.js';
import { publishReports } from '../../src/report/publish/publish.js';
import { fixtureResult } from '../unit/report/report-fixtures.js';
import { ARTIFACTS_DIR, chartDatasetLabels, horizontalOverflowPx, launchChromium, watchPage } from './browser.js';

const RESULTS = 6;

describe('published trend page in Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-e2e-trend-'));
    browser = await launchChromium();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('has one point per result, links each to its report, marks the failed gate, logs no error and loads nothing remote', async () => {
    for (let index = 0; index < RESULTS; index++) {
      const result = fixtureResult('webhook-burst');
      result.startedAt = new Date(Date.UTC(2026, 0, 1 + index)).toISOString();
      const scale = 1 + index * 0.05;
      for (const metric of Object.values(result.metrics)) {
        metric.p50 = Math.round(metric.p50 * scale);
        metric.p99 = Math.round(metric.p99 * scale);
      }
      const runDir = join(dir, 'results', `run-${index}`);
      await mkdir(runDir, { recursive: true });
      await writeFile(join(runDir, 'result.json'), JSON.stringify(result));
      await writeFile(join(runDir, 'report.html'), renderReport([result]));
      const failed = index === RESULTS - 1;
      await writeFile(join(runDir, 'compare.junit.xml'), `<testsuites><testsuite><testcase name="p99">${failed ? '<failure message="p99 +25%"/>' : ''}</testcase></testsuite></testsuites>`);
    }
    const site = join(dir, 'site');
    const outcome = await publishReports(join(dir, 'results'), site);
    expect(outcome.trends).toEqual(['trends/webhook-burst.html']);

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const watch = watchPage(page);
    await page.goto(pathToFileURL(join(site, 'trends/webhook-burst.html')).href);
    await page.waitForSelector('html[data-rendered]', { timeout: 10_000 });

    const pointCounts = await page.$$eval('canvas[data-trend-chart]', (canvases) =>
      canvases.map((canvas) => {
        const chart = (globalThis as unknown as { Chart: { getChart(c: unknown): { data: { datasets: Array<{ data: unknown[] }> } } } }).Chart.getChart(canvas);
        return chart.data.datasets.map((dataset) => dataset.data.length);
      }),
    );
    expect(pointCounts.length).toBeGreaterThanOrEqual(3);
    for (const counts of pointCounts) for (const count of counts) expect(count).toBe(RESULTS);
    expect((await chartDatasetLabels(page, 'canvas[data-trend-chart]'))[0]).toEqual(['p50', 'p99']);
    expect(await page.locator('table.trend tbody tr').count()).toBe(RESULTS);
    expect(await page.locator('table.trend .badge.invalid', { hasText: 'fail' }).count()).toBe(1);
    expect(await page.locator('table.trend .badge.ok', { hasText: 'pass' }).count()).toBe(RESULTS - 1);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'trend.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 780 });
    await page.waitForTimeout(300);
    expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'trend-360px.png'), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.waitForTimeout(300);

    // A click on the newest point opens its report (a file: page next to the site).
    const box = await page.locator('canvas[data-trend-chart="0"]').boundingBox();
    const target = await page.evaluate(() => {
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('canvas[data-trend-chart="0"]');
      type ChartLike = { getDatasetMeta(i: number): { data: Array<{ x: number; y: number }> } };
      const point = (globalThis as unknown as { Chart: { getChart(c: unknown): ChartLike } }).Chart.getChart(canvas).getDatasetMeta(1).data.at(-1)!;
      return { x: point.x, y: point.y };
    });
    await page.mouse.click(box!.x + target.x, box!.y + target.y);
    await page.waitForURL(/run-5\/report\.html$/, { timeout: 5_000 });
    await page.waitForSelector('html[data-rendered]', { timeout: 10_000 });

    expect(watch.remoteRequests()).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.close();
  });
});
