import { ExitCode } from '../exit-codes.js';
import { InputError } from '../errors.js';
import { readResult } from '../result/read-result.js';
import { resolveBaselinePath } from './baseline.js';
import { writeCiOutputs, type CiOutputOptions } from './ci-outputs.js';
import { compareResults, type Comparison } from './compare-results.js';
import { renderComparisonText } from './compare-text.js';
import { casesFromComparison } from './gate-cases.js';
import { renderCompareMarkdown } from './markdown.js';
import { parseMaxRegression } from './tolerances.js';

export interface CompareGateOptions extends CiOutputOptions {
  /** `--max-regression`, e.g. "p99=10%,throughput=5%". */
  maxRegression?: string | undefined;
}

export interface CompareGateOutcome {
  exitCode: ExitCode;
  /** What to print on stdout (the table and verdict) or stderr (why nothing was compared). */
  text: string;
  comparison?: Comparison;
}

/**
 * `pushbench compare`: reads both results, compares, writes the CI files. An invalid baseline is
 * bad input (2); an invalid current run is exit 3 (there is nothing trustworthy to compare); a
 * regression is exit 1.
 */
export async function runCompareGate(baselineArg: string, currentPath: string, options: CompareGateOptions = {}): Promise<CompareGateOutcome> {
  const tolerances = parseMaxRegression(options.maxRegression);
  const baselinePath = resolveBaselinePath(baselineArg);
  const baseline = await readResult(baselinePath);
  const current = await readResult(currentPath);
  if (!baseline.validity.ok) {
    throw new InputError(`${baselinePath}: the baseline run is invalid (${baseline.validity.reasons[0] ?? 'see its validity section'}); record a valid baseline`);
  }
  if (!current.validity.ok) {
    return {
      exitCode: ExitCode.runFailed,
      text: `${currentPath}: the run is invalid (${current.validity.reasons.join('; ')}); not compared`,
    };
  }
  const comparison = compareResults(baseline, current, tolerances);
  const labels = { baseline: baselinePath, current: currentPath };
  await writeCiOutputs('pushbench compare', casesFromComparison(comparison), renderCompareMarkdown(comparison, labels), options);
  return {
    exitCode: comparison.pass ? ExitCode.ok : ExitCode.gateFailed,
    text: renderComparisonText(comparison, labels),
    comparison,
  };
}
