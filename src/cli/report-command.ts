import { basename, dirname } from 'node:path';
import { InputError } from '../errors.js';
import { readResult } from '../result/read-result.js';
import { renderReport } from '../report/html/render-report.js';
import { writeReportFile } from '../report/write-report.js';
import { writeRunCiOutputs } from '../gate/run-gate.js';
import { ExitCode } from './exit-codes.js';

export interface ReportArgs {
  results: string[];
  out?: string | undefined;
  title?: string | undefined;
  /** `--junit FILE`: one result's thresholds as JUnit XML (remakes what `run --junit` wrote). */
  junit?: string | undefined;
  /** `--markdown FILE`: one result's Markdown summary (remakes what `run --markdown` wrote). */
  markdown?: string | undefined;
}

export const DEFAULT_REPORT_PATH = 'report.html';

/**
 * `pushbench report <result.json...>`: reads and validates every file, then writes one HTML report;
 * with --junit/--markdown (one result), the CI files `run` writes, and the HTML only if --out is given.
 */
export async function reportCommand(args: ReportArgs): Promise<number> {
  const ciFiles = args.junit !== undefined || args.markdown !== undefined;
  if (ciFiles && args.results.length !== 1) throw new InputError(`--junit/--markdown: give exactly one result.json, got ${args.results.length}`);
  const results = await Promise.all(args.results.map((path) => readResult(path)));
  const out = args.out ?? (ciFiles ? undefined : DEFAULT_REPORT_PATH);
  if (out !== undefined) {
    const labels = args.results.map((path) => runLabelFromPath(path));
    await writeReportFile(out, renderReport(results, { title: args.title, labels: results.length > 1 ? labels : undefined }));
    process.stdout.write(`report ${out} (${results.length} run${results.length === 1 ? '' : 's'})\n`);
  }
  if (ciFiles) {
    for (const file of await writeRunCiOutputs(results[0]!, { junit: args.junit, markdown: args.markdown })) process.stdout.write(`wrote ${file}\n`);
  }
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
