import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { eventually } from '../helpers/processes.js';
import { launchChromium, watchPage, type PageWatch } from './browser.js';

const LOAD_SECONDS = 12;

/** What the page shows now: points received, the last second, whether the run ended, the report link. */
function pageState(page: Page): Promise<{ points: number; lastSecond: number; ended: boolean; href: string | null; datasets: number[] }> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): { getAttribute(name: string): string | null } | null; querySelectorAll(s: string): ArrayLike<unknown> } }).document;
    const chart = (globalThis as unknown as { Chart: { getChart(c: unknown): { data: { datasets: Array<{ data: unknown[] }> } } | undefined } }).Chart;
    const rate = chart.getChart(Array.from(doc.querySelectorAll('canvas#rate'))[0]);
    return {
      points: Number(doc.body.dataset.points ?? 0),
      lastSecond: Number(doc.body.dataset.lastSecond ?? -1),
      ended: doc.body.dataset.ended === 'true',
      href: doc.getElementById('report-link')?.getAttribute('href') ?? null,
      datasets: rate ? rate.data.datasets.map((dataset) => dataset.data.length) : [],
    };
  });
}

describe('run --dashboard: the live page in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'pushbench-dashboard-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('grows at least once a second while the run goes on, gives a late joiner the history, and links the report at the end', async () => {
    await writeFile(join(dir, 'live.yaml'), `name: live-page\nwebhook:\n  payload: { sizeBytes: 200 }\n  load: { model: open, rate: 100, duration: ${LOAD_SECONDS}s }\n`);
    const out = join(dir, 'out');
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'run', join(dir, 'live.yaml'), '--out', out, '--dashboard', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.resume();
    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    expect(await eventually(() => /live dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(stderr), 30_000), stderr).toBe(true);
    const url = /live dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1]!;

    const early = await browser.newPage();
    const earlyWatch: PageWatch = watchPage(early);
    await early.goto(url);
    // Wait for the measured load to be under way (the progress line names the dashboard too).
    expect(await eventually(() => stderr.includes(`live ${url}`), 30_000), stderr).toBe(true);

    // Watch the page for 4 s of load: it must gain about one point a second.
    const samples: Array<{ atMs: number; points: number }> = [];
    const watchStart = Date.now();
    while (Date.now() - watchStart < 4_000) {
      samples.push({ atMs: Date.now(), points: (await pageState(early)).points });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Points grow by one a second; when the measured schedule starts, the recorder's second 0 restarts and the page resets.
    let gained = 0;
    for (let i = 1; i < samples.length; i++) {
      const step = samples[i]!.points - samples[i - 1]!.points;
      gained += step >= 0 ? step : samples[i]!.points;
    }
    const spanS = (samples.at(-1)!.atMs - samples[0]!.atMs) / 1000;
    expect(gained / spanS, JSON.stringify(samples)).toBeGreaterThanOrEqual(0.75); // a new point every second, give or take one late tick on a busy box
    expect(samples.filter((sample, i) => i > 0 && sample.points !== samples[i - 1]!.points).length, JSON.stringify(samples)).toBeGreaterThanOrEqual(3);

    // A late joiner gets the whole history at once.
    const late = await browser.newPage();
    const lateWatch = watchPage(late);
    const before = (await pageState(early)).points;
    await late.goto(url);
    const joinedAt = Date.now();
    let lateState = await pageState(late);
    while (lateState.points < before && Date.now() - joinedAt < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      lateState = await pageState(late);
    }
    expect(lateState.points, `${JSON.stringify(lateState)} ${lateWatch.problems.join('; ')}`).toBeGreaterThanOrEqual(before);
    const earlyState = await pageState(early);
    expect(lateState.points).toBeGreaterThanOrEqual(before);
    expect(Math.abs(lateState.points - earlyState.points)).toBeLessThanOrEqual(1);
    expect(lateState.datasets[0]).toBe(lateState.points); // every point drawn on the rate chart

    // At the end both pages link report.html (as a blob: URL that outlives pushbench).
    for (const page of [early, late]) {
      await page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: { ended?: string } } } }).document.body.dataset.ended === 'true', undefined, { timeout: 60_000 });
    }
    const code = await exited;
    expect([0, 3], stderr).toContain(code);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    for (const page of [early, late]) {
      const state = await pageState(page);
      expect(state.href).toMatch(/^(blob:|\/report\.html$)/);
      expect(state.lastSecond).toBeGreaterThanOrEqual(LOAD_SECONDS - 2);
    }
    expect((await pageState(early)).href).toMatch(/^blob:/);
    expect(earlyWatch.problems).toEqual([]);
    expect(lateWatch.problems).toEqual([]);
    expect([...earlyWatch.requests, ...lateWatch.requests].every((request) => request.startsWith(url) || request.startsWith('blob:') || request.startsWith('data:'))).toBe(true);
  }, 120_000);
});
