import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunResult } from '../../result/run-result.js';

/** What the CI gate said about a result: its thresholds and any JUnit file beside it (`run --junit`, `compare --junit`). */
export type GateVerdict = 'pass' | 'fail';

/**
 * The verdict of a result, or undefined when no gate judged it. It fails when a threshold stored in
 * the result failed, or when a `*.junit.xml` in its directory (written by `run` or `compare` with
 * `--junit`) holds a failure; it passes when one of those judged it and nothing failed.
 */
export async function gateVerdict(result: RunResult, resultPath: string): Promise<GateVerdict | undefined> {
  const thresholds = result.thresholds ?? [];
  const junitFailures = await junitFailuresBeside(resultPath);
  if (thresholds.length === 0 && junitFailures === undefined) return undefined;
  return thresholds.every((threshold) => threshold.pass) && (junitFailures ?? 0) === 0 ? 'pass' : 'fail';
}

/** Failures and errors counted over the JUnit files in the result's directory; undefined when there is none. */
async function junitFailuresBeside(resultPath: string): Promise<number | undefined> {
  const dir = dirname(resultPath);
  const names = (await readdir(dir)).filter((name) => name.endsWith('.junit.xml'));
  if (names.length === 0) return undefined;
  let failures = 0;
  for (const name of names) {
    const xml = await readFile(join(dir, name), 'utf8');
    failures += (xml.match(/<(failure|error)\b/g) ?? []).length;
  }
  return failures;
}
