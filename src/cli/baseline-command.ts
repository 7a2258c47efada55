import { saveBaseline } from '../gate/baseline.js';
import { ExitCode } from './exit-codes.js';

export interface BaselineArgs {
  result: string;
  name?: string | undefined;
  dir?: string | undefined;
}

/** `pushbench baseline <result.json>`: writes or updates reports/baselines/<name>.json. */
export async function baselineCommand(args: BaselineArgs): Promise<number> {
  const saved = await saveBaseline(args.result, { name: args.name, dir: args.dir });
  const trials = saved.result.trials ? `${saved.result.trials.length} trials` : '1 trial';
  process.stdout.write(`${saved.created ? 'wrote' : 'updated'} baseline ${saved.path} (${saved.result.scenario.name}, ${trials})\n`);
  return ExitCode.ok;
}
