import { ExitCode } from '../cli/exit-codes.js';
import { InputError } from '../errors.js';
import type { RunResult } from '../result/run-result.js';
import { runScenario, type RunOptions } from '../run/run-scenario.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { combineTrials } from './combine-trials.js';
import { evaluateThresholds, parseThresholdSection } from './evaluate-thresholds.js';
import { casesFromThresholds } from './gate-cases.js';
import { writeCiOutputs, type CiOutputOptions } from './ci-outputs.js';
import { renderRunMarkdown } from './markdown.js';
import { renderThresholdLines } from './threshold-text.js';

export const MAX_REPEAT = 100;

/** Checks `--repeat`: a whole number of trials, 1 .. MAX_REPEAT. */
export function checkRepeat(repeat: number | undefined): number {
  if (repeat === undefined) return 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    throw new InputError(`--repeat: expected a whole number of trials from 1 to ${MAX_REPEAT}, got "${repeat}"`);
  }
  return repeat;
}

export interface TrialOptions extends RunOptions {
  repeat: number;
  /** Called before each trial (1-based). */
  onTrial?: (trial: number, of: number) => void;
}

/**
 * Runs the scenario `repeat` times, one after the other (never side by side: they would compete for
 * the same cores). One trial returns runScenario's result as is; more are folded by combineTrials.
 * An abort stops after the current trial.
 */
export async function runTrials(scenario: LoadedScenario, options: TrialOptions): Promise<RunResult> {
  const results: RunResult[] = [];
  const { repeat, onTrial, ...runOptions } = options;
  for (let trial = 1; trial <= repeat; trial++) {
    if (trial > 1 && runOptions.signal?.aborted) break;
    onTrial?.(trial, repeat);
    results.push(await runScenario(scenario, runOptions));
  }
  return repeat === 1 && results.length === 1 ? results[0]! : combineTrials(results);
}

/** Evaluates the scenario's thresholds against the (merged) result and stores them in it. */
export function withThresholds(result: RunResult, scenario: LoadedScenario): RunResult {
  const sets = scenario.config.thresholds ?? [];
  if (sets.length === 0) return result;
  return { ...result, thresholds: evaluateThresholds(sets, result) };
}

/** Judges the thresholds stored with a saved result's scenario (as written) against it: what merge does. */
export function withSavedThresholds(result: RunResult): RunResult {
  const sets = parseThresholdSection(result.scenario.config.thresholds as Record<string, string[]> | undefined);
  if (sets.length === 0) return result;
  return { ...result, thresholds: evaluateThresholds(sets, result) };
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
