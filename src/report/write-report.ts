import { join } from 'node:path';
import { writeFileAtomic } from '../result/atomic-file.js';
import type { RunResult } from '../result/run-result.js';
import { renderReport } from './html/render-report.js';

/** Writes a report atomically (temp file + rename, the temp removed on any failure), creating its directory. */
export async function writeReportFile(path: string, html: string): Promise<void> {
  await writeFileAtomic(path, html);
}

/** The report `pushbench run` writes beside result.json. Returns its path. */
export async function writeRunReport(result: RunResult, outDir: string): Promise<string> {
  const path = join(outDir, 'report.html');
  await writeReportFile(path, renderReport([result]));
  return path;
}
