import { ExitCode } from '../exit-codes.js';
import type { RunResult } from '../result/run-result.js';
import type { ThresholdSet } from '../scenario/schema.js';
import { evaluateThresholds, parseThresholdSection } from './evaluate-thresholds.js';
import { casesFromThresholds } from './gate-cases.js';
import { writeCiOutputs, type CiOutputOptions } from './ci-outputs.js';
import { renderRunMarkdown } from './markdown.js';
import { renderThresholdLines } from './threshold-text.js';

/**
 * Judges thresholds against a (merged) result and stores them in it: the loaded scenario's parsed
 * sets after a run, or, by default, the ones saved with the result's scenario (as merge does).
 */
export function withThresholds(result: RunResult, sets: readonly ThresholdSet[] = savedThresholds(result)): RunResult {
  if (sets.length === 0) return result;
  return { ...result, thresholds: evaluateThresholds(sets, result) };
}

function savedThresholds(result: RunResult): ThresholdSet[] {
  return parseThresholdSection(result.scenario.config.thresholds as Record<string, string[]> | undefined);
}

/** The run's exit code: an invalid run is 3 whatever its thresholds say; a failed threshold is 1. */
export function runExitCode(result: RunResult): ExitCode {
  if (!result.validity.ok) return ExitCode.runFailed;
  if ((result.thresholds ?? []).some((evaluation) => !evaluation.pass)) return ExitCode.gateFailed;
  return ExitCode.ok;
}

/** The threshold lines printed after the run summary ('' when the scenario has none). */
export function renderRunGate(result: RunResult): string {
  return renderThresholdLines(result.thresholds ?? []);
}

/** --junit / --markdown / $GITHUB_STEP_SUMMARY for a run. */
export async function writeRunCiOutputs(result: RunResult, options: CiOutputOptions): Promise<string[]> {
  if (!options.junit && !options.markdown) return [];
  return writeCiOutputs(`pushbench thresholds: ${result.scenario.name}`, casesFromThresholds(result.thresholds ?? []), renderRunMarkdown(result), options);
}
