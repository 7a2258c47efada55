import { writeResult } from '../result/write-result.js';
import type { RunResult } from '../result/run-result.js';
import { renderTextSummary } from '../report/text-summary.js';
import { writeRunReport } from '../report/write-report.js';
import { renderRunGate, runExitCode, writeRunCiOutputs } from '../gate/run-gate.js';

export interface FinishOptions {
  outDir: string;
  json?: boolean | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
}

/**
 * What `run` and `merge` do with their result: result.json and report.html into `outDir`, the
 * summary (or the JSON) on stdout, the threshold lines, the CI files. Returns the exit code.
 */
export async function finishResult(result: RunResult, options: FinishOptions): Promise<number> {
  const path = await writeResult(result, options.outDir);
  const reportPath = await writeRunReport(result, options.outDir);
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`${renderTextSummary(result, path)}\n  report     ${reportPath}\n`);
  const gate = renderRunGate(result);
  if (gate) (options.json ? process.stderr : process.stdout).write(gate + '\n');
  await writeRunCiOutputs(result, { junit: options.junit, markdown: options.markdown });
  return runExitCode(result);
}
