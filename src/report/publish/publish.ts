import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../../errors.js';
import { parseResult } from '../../result/read-result.js';
import type { RunResult } from '../../result/run-result.js';
import { renderReport } from '../html/render-report.js';
import { writeReportFile } from '../write-report.js';
import { gateVerdict } from './gate-verdict.js';
import { indexPage, type IndexEntry, type TrendLink } from './index-page.js';
import { readReportData } from './report-data-reader.js';
import { buildTrendData, type TrendInput } from './trend-data.js';
import { trendPage } from './trend-page.js';

export interface PublishOptions {
  /** The index page's title (default: "pushbench reports"). */
  title?: string | undefined;
}

export interface PublishOutcome {
  indexPath: string;
  /** Report paths as copied into the site, relative to it. */
  reports: string[];
  /** Trend pages written, relative to the site: one per scenario that has results. */
  trends: string[];
}

/** Trend pages live here, one level below the site root. */
const TRENDS_DIR = 'trends';

/**
 * Builds a static site from `sourceDir` in `outDir`: every pushbench report copied at the same
 * relative path, a trend page per scenario over every result.json-shaped file (a report rendered
 * for a result that has none beside it), and `index.html` linking both. HTML files that are not
 * pushbench reports and JSON files that are not results are left out, as is `outDir` itself when
 * inside `sourceDir`.
 */
export async function publishReports(sourceDir: string, outDir: string, options: PublishOptions = {}): Promise<PublishOutcome> {
  await requireDirectory(sourceDir);
  const files = await filesUnder(sourceDir, outDir);
  const entries: Array<IndexEntry & { source: string }> = [];
  for (const file of files.filter((name) => name.endsWith('.html'))) {
    const report = readReportData(await readFile(join(sourceDir, file), 'utf8'));
    if (report !== undefined) entries.push({ href: hrefOf(file), report, source: file });
  }
  const results = await resultsUnder(sourceDir, files);
  if (entries.length === 0 && results.length === 0) throw new InputError(`${sourceDir}: no pushbench reports (report.html) or results (result.json) found under this directory`);
  entries.sort((a, b) => newestRun(b) - newestRun(a));
  for (const entry of entries) {
    const target = join(outDir, entry.source);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(sourceDir, entry.source), target);
  }
  const reportSources = new Set(entries.map((entry) => entry.source));
  const trends = await writeTrendPages(results, reportSources, outDir);
  const indexPath = join(outDir, 'index.html');
  await writeReportFile(indexPath, indexPage(entries, trends, options.title ?? 'pushbench reports'));
  return { indexPath, reports: entries.map((entry) => entry.source), trends: trends.map((trend) => trend.href) };
}

interface FoundResult {
  /** Relative to the source directory. */
  file: string;
  result: RunResult;
  verdict: TrendInput['verdict'];
}

/** Every JSON file under the directory that reads as a pushbench result (others are skipped). */
async function resultsUnder(sourceDir: string, files: readonly string[]): Promise<FoundResult[]> {
  const found: FoundResult[] = [];
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    const path = join(sourceDir, file);
    let result: RunResult;
    try {
      result = parseResult(await readFile(path, 'utf8'), path);
    } catch {
      continue;
    }
    found.push({ file, result, verdict: await gateVerdict(result, path) });
  }
  return found;
}

/** One trend page per scenario; a result without a report beside it gets one rendered into the site. */
async function writeTrendPages(results: readonly FoundResult[], reportSources: ReadonlySet<string>, outDir: string): Promise<TrendLink[]> {
  const byScenario = new Map<string, FoundResult[]>();
  for (const found of results) byScenario.set(found.result.scenario.name, [...(byScenario.get(found.result.scenario.name) ?? []), found]);
  const links: TrendLink[] = [];
  for (const [scenario, found] of [...byScenario].sort(([a], [b]) => a.localeCompare(b))) {
    const inputs: TrendInput[] = [];
    for (const { file, result, verdict } of found) {
      const beside = join(dirname(file), 'report.html');
      const report = basename(file) === 'result.json' && reportSources.has(beside) ? beside : file.replace(/\.json$/, '.report.html');
      if (report !== beside) await writeReportFile(join(outDir, report), renderReport([result], { labels: [sourceName(file)] }));
      inputs.push({ result, href: `../${hrefOf(report)}`, source: sourceName(file), verdict });
    }
    const href = `${TRENDS_DIR}/${slug(scenario)}.html`;
    const data = buildTrendData(scenario, inputs);
    await writeReportFile(join(outDir, href), trendPage(data, '../index.html'));
    links.push({ scenario, href, results: inputs.length, failed: inputs.filter((input) => input.verdict === 'fail').length });
  }
  return links;
}

/** `runs/ci-gate-pr/result.json` -> `ci-gate-pr`; `baselines/ci-gate.json` -> `ci-gate`. */
function sourceName(file: string): string {
  return basename(file) === 'result.json' ? basename(dirname(file)) || 'result' : basename(file, '.json');
}

function hrefOf(file: string): string {
  return file.split(sep).map(encodeURIComponent).join('/');
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'scenario';
}

async function requireDirectory(path: string): Promise<void> {
  const isDirectory = await stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new InputError(`${path}: not a directory`);
}

/** .html and .json files under `dir`, relative to it, skipping anything inside `excludedDir`. */
async function filesUnder(dir: string, excludedDir: string): Promise<string[]> {
  const excluded = resolve(excludedDir);
  const names = await readdir(dir, { recursive: true });
  return names
    .filter((name) => name.endsWith('.html') || name.endsWith('.json'))
    .filter((name) => {
      const absolute = resolve(dir, name);
      return absolute !== excluded && !absolute.startsWith(excluded + sep);
    })
    .sort();
}

function newestRun(entry: IndexEntry): number {
  return Math.max(0, ...entry.report.runs.map((run) => Date.parse(run.startedAt) || 0));
}
