import { dirname, join } from 'node:path';
import { saveResult } from '../result/write-result.js';
import type { RunResult } from '../result/run-result.js';
import { renderTextSummary } from '../report/text-summary.js';
import { writeRunReport } from '../report/write-report.js';
import { renderRunGate, runExitCode, writeRunCiOutputs } from '../gate/run-gate.js';
import { redactKnownSecrets } from '../template/secrets.js';
import { ExitCode } from './exit-codes.js';

export interface FinishOptions {
  outDir: string;
  json?: boolean | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
}

/**
 * What `run` and `merge` do with their result. result.json first (into `outDir`, or the OS temp
 * directory when `outDir` refuses it: an error line says where, exit 3); then the summary (or the
 * JSON) on stdout and the threshold lines; then report.html and the CI files, whose failures are
 * warnings naming the command that remakes them, with the run's own exit code. Returns the exit code.
 */
export async function finishResult(result: RunResult, options: FinishOptions): Promise<number> {
  let saved: Awaited<ReturnType<typeof saveResult>>;
  try {
    saved = await saveResult(result, options.outDir);
  } catch (error) {
    // Neither --out nor the temp directory took it: stdout is the last place the numbers can go.
    if (!options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    warn(`run failed: could not write result.json to ${options.outDir} nor to the temp directory (${(error as Error).message}); the result is printed on stdout`);
    return ExitCode.runFailed;
  }
  if (saved.refused) warn(`run failed: could not write ${saved.refused.path} (${saved.refused.error}); the result was written to ${saved.path}`);
  const resultDir = saved.refused ? dirname(saved.path) : options.outDir;
  const reportPath = join(resultDir, 'report.html');
  let reportWritten = true;
  try {
    await writeRunReport(result, resultDir);
  } catch (error) {
    reportWritten = false;
    warn(`warning: could not write ${reportPath} (${(error as Error).message}); the result is safe, remake the report with: pushbench report ${saved.path} --out ${reportPath}`);
  }
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`${renderTextSummary(result, saved.path)}\n${reportWritten ? `  report     ${reportPath}\n` : ''}`);
  const gate = renderRunGate(result);
  if (gate) (options.json ? process.stderr : process.stdout).write(gate + '\n');
  for (const [flag, file] of [['--junit', options.junit], ['--markdown', options.markdown]] as const) {
    if (!file) continue;
    try {
      await writeRunCiOutputs(result, flag === '--junit' ? { junit: file } : { markdown: file });
    } catch (error) {
      warn(`warning: ${(error as Error).message}; remake it with: pushbench report ${saved.path} ${flag} ${file}`);
    }
  }
  return saved.refused ? ExitCode.runFailed : runExitCode(result);
}

function warn(line: string): void {
  process.stderr.write(redactKnownSecrets(`pushbench: ${line}\n`));
}
