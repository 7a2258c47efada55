import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { formatLatencyUs } from '../../../src/report/html/format.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { publishReports } from '../../../src/report/publish/publish.js';
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
    expect(index).toContain("default-src 'none'");
    expect(index).not.toMatch(/<script\b/);

    // Publishing again skips the site inside the source directory.
    expect((await publishReports(join(dir, 'reports'), site)).reports).toHaveLength(2);
  });

  it('refuses a directory without reports, and a missing one', async () => {
    await expect(publishReports(dir, join(dir, 'site'))).rejects.toThrow(InputError);
    await expect(publishReports(join(dir, 'missing'), join(dir, 'site'))).rejects.toThrow(/not a directory/);
  });
});
