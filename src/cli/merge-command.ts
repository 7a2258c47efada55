import { findResultFiles } from '../result/find-results.js';
import { mergeShardResults } from '../result/merge-results.js';
import { readResult } from '../result/read-result.js';
import { probeOutputs, removeDirIfEmpty } from '../result/write-result.js';
import { withThresholds } from '../gate/run-gate.js';
import { finishResult } from './finish-result.js';

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
  await probeOutputs(args.out, args);
  let result;
  try {
    const files = await findResultFiles(args.inputs, args.out);
    const inputs = await Promise.all(files.map(async (file) => ({ file, result: await readResult(file) })));
    result = withThresholds(mergeShardResults(inputs, { allowPartial: args.allowPartial ?? false }));
  } catch (error) {
    await removeDirIfEmpty(args.out);
    throw error;
  }
  return finishResult(result, { outDir: args.out, json: args.json, junit: args.junit, markdown: args.markdown });
}
