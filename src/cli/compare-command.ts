import { runCompareGate } from '../gate/compare-gate.js';

export interface CompareArgs {
  baseline: string;
  current: string;
  maxRegression?: string | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
}

/** `pushbench compare <baseline> <current>`: prints the comparison and returns its exit code. */
export async function compareCommand(args: CompareArgs): Promise<number> {
  const outcome = await runCompareGate(args.baseline, args.current, {
    maxRegression: args.maxRegression,
    junit: args.junit,
    markdown: args.markdown,
  });
  (outcome.comparison ? process.stdout : process.stderr).write(`${outcome.comparison ? '' : 'pushbench: '}${outcome.text}\n`);
  return outcome.exitCode;
}
