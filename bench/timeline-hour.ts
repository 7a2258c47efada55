/**
 * The 1-hour timeline bound (issue 21): a 3,600-second timeline at 1-second resolution, made by the
 * real Recorder under a simulated monotonic clock (every second gets samples of the metrics,
 * counters and gauges of a webhook + WebSocket run), written as result.json by the real writer,
 * read back by the validating reader, and rendered by the real report. Prints one JSON line:
 * result.json bytes, the report's bytes, and how long reading and rendering took (median of 3).
 * `--browser` also loads the report in Chromium and times it until every chart is drawn.
 *
 *   npx tsx bench/timeline-hour.ts [seconds=3600] [--browser]
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Recorder } from '../src/metrics/recorder.js';
import { parseResult } from '../src/result/read-result.js';
import type { RunResult } from '../src/result/run-result.js';
import { writeResult } from '../src/result/write-result.js';
import { renderReport } from '../src/report/html/render-report.js';

const seconds = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 3_600);
const browser = process.argv.includes('--browser');
const FIXTURE = new URL('../test/fixtures/results/webhook-vs-websocket/result.json', import.meta.url);

const METRICS = ['webhook.latency', 'webhook.delivery', 'generator.sendLag', 'ws.connect', 'ws.echo', 'ws.broadcast'];
const COUNTERS = ['webhook.scheduled', 'webhook.sent', 'webhook.ok', 'webhook.errors.timeout', 'webhook.errors.5xx', 'webhook.queued', 'ws.connections.opened', 'ws.messages.sent', 'ws.messages.received', 'ws.echo.received', 'ws.broadcast.received', 'ws.server.messages.sent'];
const GAUGES = ['webhook.connections.open', 'ws.connections', 'ws.server.connections'];

// A simulated CLOCK_MONOTONIC: the Recorder reads process.hrtime.bigint, and this hour passes in a moment.
let virtualNs = process.hrtime.bigint();
process.hrtime.bigint = () => virtualNs;

let seed = 21;
const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const recorder = new Recorder();
const tick = (recorder as unknown as { tick(): void }).tick.bind(recorder);
for (let second = 0; second < seconds; second++) {
  for (const name of METRICS) for (let i = 0; i < 20; i++) recorder.record(name, Math.round(500 + random() * 50_000));
  for (const name of COUNTERS) recorder.count(name, 1 + Math.floor(random() * 2_000));
  for (const name of GAUGES) recorder.gauge(name, Math.floor(random() * 20_000));
  virtualNs += 1_000_000_000n;
  tick();
}
const output = recorder.close();

const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as RunResult;
const result: RunResult = { ...fixture, durationMs: seconds * 1_000, plannedWindowUs: seconds * 1_000_000, metrics: output.metrics, counters: output.counters, timeline: output.timeline };
const dir = await mkdtemp(join(tmpdir(), 'pushbench-timeline-hour-'));
try {
  const path = await writeResult(result, dir);
  const resultBytes = (await stat(path)).size;
  const readMs: number[] = [];
  const renderMs: number[] = [];
  let html = '';
  for (let round = 0; round < 3; round++) {
    const readStart = performance.now();
    const read = parseResult(await readFile(path, 'utf8'), path);
    readMs.push(performance.now() - readStart);
    const renderStart = performance.now();
    html = renderReport([read]);
    renderMs.push(performance.now() - renderStart);
  }
  const reportPath = join(dir, 'report.html');
  await writeFile(reportPath, html);
  const figures: Record<string, unknown> = {
    seconds,
    timelinePoints: output.timeline.length,
    resultBytes,
    resultMB: +(resultBytes / 1e6).toFixed(2),
    reportBytes: html.length,
    readMsMedian: Math.round(median(readMs)),
    renderMsMedian: Math.round(median(renderMs)),
  };
  if (browser) figures.browserMs = await timeInBrowser(reportPath);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Loads the report in Chromium; ms from navigation until every canvas has its Chart.js chart. */
async function timeInBrowser(reportPath: string): Promise<number> {
  const { chromium } = await import('playwright-core');
  const instance = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await instance.newPage();
    const start = performance.now();
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const chart = (globalThis as unknown as { Chart?: { getChart(canvas: unknown): unknown } }).Chart;
      const page = globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<unknown> } };
      const canvases = Array.from(page.document.querySelectorAll('canvas'));
      return chart !== undefined && canvases.length > 0 && canvases.every((canvas) => chart.getChart(canvas) !== undefined);
    }, undefined, { timeout: 30_000 });
    return Math.round(performance.now() - start);
  } finally {
    await instance.close();
  }
}
