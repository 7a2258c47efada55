import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunResult } from '../result/run-result.js';
import { renderReport } from './html/render-report.js';

/** Writes a report atomically (temp file + rename), creating its directory. */
export async function writeReportFile(path: string, html: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, html);
  await rename(temp, path);
}

/** The report `pushbench run` writes beside result.json. Returns its path. */
export async function writeRunReport(result: RunResult, outDir: string): Promise<string> {
  const path = join(outDir, 'report.html');
  await writeReportFile(path, renderReport([result]));
  return path;
}
