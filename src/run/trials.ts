import { InputError } from '../errors.js';
import { combineTrials } from '../gate/combine-trials.js';
import type { RunResult } from '../result/run-result.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { runScenario, type RunOptions } from './run-scenario.js';

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
