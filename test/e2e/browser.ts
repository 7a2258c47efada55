import { chromium, type Browser, type Page } from 'playwright-core';
import { join } from 'node:path';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic'];
export const ARTIFACTS_DIR = join(import.meta.dirname, '../../test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a page did that a report must never do: console errors or warnings, page errors, dialogs, requests outside file:. */
export interface PageWatch {
  problems: string[];
  requests: string[];
  /** Requests that left file: (data: is inline, allowed). */
  remoteRequests(): string[];
}

export function watchPage(page: Page): PageWatch {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => requests.push(request.url()));
  return { problems, requests, remoteRequests: () => requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')) };
}

/** The dataset labels of every Chart.js chart on the page, in page order. */
export function chartDatasetLabels(page: Page, selector = 'canvas'): Promise<string[][]> {
  return page.$$eval(selector, (canvases) =>
    canvases.map((canvas) => {
      const chart = (globalThis as unknown as { Chart: { getChart(c: unknown): { data: { datasets: Array<{ label: string }> } } | undefined } }).Chart.getChart(canvas);
      return chart === undefined ? [] : chart.data.datasets.map((dataset) => dataset.label);
    }),
  );
}

/** How far the page is wider than the viewport (> 0: the reader has to scroll sideways). */
export function horizontalOverflowPx(page: Page): Promise<number> {
  return page.evaluate(() => {
    const browser = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return browser.document.documentElement.scrollWidth - browser.innerWidth;
  });
}
