import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../../errors.js';
import { writeReportFile } from '../write-report.js';
import { indexPage, type IndexEntry } from './index-page.js';
import { readReportData } from './report-data-reader.js';

export interface PublishOptions {
  /** The index page's title (default: "pushbench reports"). */
  title?: string | undefined;
}

export interface PublishOutcome {
  indexPath: string;
  /** Report paths as copied into the site, relative to it. */
  reports: string[];
}

/**
 * Copies every pushbench report under `sourceDir` into `outDir` (same relative paths) and writes
 * `outDir/index.html` listing them, newest first, with their headline numbers: a static site.
 * HTML files that are not pushbench reports are left out, as is `outDir` itself when inside `sourceDir`.
 */
export async function publishReports(sourceDir: string, outDir: string, options: PublishOptions = {}): Promise<PublishOutcome> {
  await requireDirectory(sourceDir);
  const entries: Array<IndexEntry & { source: string }> = [];
  for (const file of await htmlFilesUnder(sourceDir, outDir)) {
    const report = readReportData(await readFile(join(sourceDir, file), 'utf8'));
    if (report !== undefined) entries.push({ href: file.split(sep).map(encodeURIComponent).join('/'), report, source: file });
  }
  if (entries.length === 0) throw new InputError(`${sourceDir}: no pushbench reports (report.html) found under this directory`);
  entries.sort((a, b) => newestRun(b) - newestRun(a));
  for (const entry of entries) {
    const target = join(outDir, entry.source);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(sourceDir, entry.source), target);
  }
  const indexPath = join(outDir, 'index.html');
  await writeReportFile(indexPath, indexPage(entries, options.title ?? 'pushbench reports'));
  return { indexPath, reports: entries.map((entry) => entry.source) };
}

async function requireDirectory(path: string): Promise<void> {
  const isDirectory = await stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new InputError(`${path}: not a directory`);
}

/** .html files under `dir`, relative to it, skipping anything inside `excludedDir`. */
async function htmlFilesUnder(dir: string, excludedDir: string): Promise<string[]> {
  const excluded = resolve(excludedDir);
  const names = await readdir(dir, { recursive: true });
  return names
    .filter((name) => name.endsWith('.html'))
    .filter((name) => {
      const absolute = resolve(dir, name);
      return absolute !== excluded && !absolute.startsWith(excluded + sep);
    })
    .sort();
}

function newestRun(entry: IndexEntry): number {
  return Math.max(0, ...entry.report.runs.map((run) => Date.parse(run.startedAt) || 0));
}
