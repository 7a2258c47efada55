import { findResultFiles } from '../result/find-results.js';
import { mergeShardResults } from '../result/merge-results.js';
import { readResult } from '../result/read-result.js';
import { writeResult } from '../result/write-result.js';
import { renderTextSummary } from '../report/text-summary.js';
import { writeRunReport } from '../report/write-report.js';
import { renderRunGate, runExitCode, withSavedThresholds, writeRunCiOutputs } from '../gate/run-gate.js';

export interface MergeArgs {
  inputs: string[];
  out: string;
  allowPartial?: boolean | undefined;
  json?: boolean | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
}

/** `pushbench merge <result.json | dir>... --out DIR`: shards -> one result, judged like a run. Returns run's exit codes. */
export async function mergeCommand(args: MergeArgs): Promise<number> {
  const files = await findResultFiles(args.inputs, args.out);
  const inputs = await Promise.all(files.map(async (file) => ({ file, result: await readResult(file) })));
  const result = withSavedThresholds(mergeShardResults(inputs, { allowPartial: args.allowPartial ?? false }));
  const path = await writeResult(result, args.out);
  const reportPath = await writeRunReport(result, args.out);
  if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`${renderTextSummary(result, path)}\n  report     ${reportPath}\n`);
  const gate = renderRunGate(result);
  if (gate) (args.json ? process.stderr : process.stdout).write(gate + '\n');
  await writeRunCiOutputs(result, { junit: args.junit, markdown: args.markdown });
  return runExitCode(result);
}
