import { basename, dirname } from 'node:path';
import { readResult } from '../result/read-result.js';
import { renderReport } from '../report/html/render-report.js';
import { writeReportFile } from '../report/write-report.js';
import { ExitCode } from './exit-codes.js';

export interface ReportArgs {
  results: string[];
  out?: string | undefined;
  title?: string | undefined;
}

export const DEFAULT_REPORT_PATH = 'report.html';

/** `pushbench report <result.json...>`: reads and validates every file, then writes one HTML report. */
export async function reportCommand(args: ReportArgs): Promise<number> {
  const results = await Promise.all(args.results.map((path) => readResult(path)));
  const labels = args.results.map((path) => runLabelFromPath(path));
  const out = args.out ?? DEFAULT_REPORT_PATH;
  await writeReportFile(out, renderReport(results, { title: args.title, labels: results.length > 1 ? labels : undefined }));
  process.stdout.write(`report ${out} (${results.length} run${results.length === 1 ? '' : 's'})\n`);
  return ExitCode.ok;
}

/**
 * A run's label from its file: reports/runs/webhook-burst-20260101T120000Z/result.json ->
 * webhook-burst-20260101T120000Z, before.json -> before; a bare result.json keeps the scenario name.
 */
function runLabelFromPath(path: string): string | undefined {
  if (basename(path) !== 'result.json') return basename(path).replace(/\.json$/, '');
  const directory = basename(dirname(path));
  return directory === '.' || directory === '' ? undefined : directory;
}
