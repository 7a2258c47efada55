import type { RunResult } from '../../result/run-result.js';

/** Run colours: distinct, saturated (tests find drawn data by saturation), colour-blind-friendly order first. */
export const RUN_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#3b3eac'] as const;

export function runColour(run: number): string {
  return RUN_COLOURS[run % RUN_COLOURS.length] ?? RUN_COLOURS[0];
}

/**
 * A unique label per run: the given one, else the scenario name; repeated labels get " #2", " #3"
 * so the legend and the tables never show two runs under one name.
 */
export function runLabels(results: readonly RunResult[], given: readonly (string | undefined)[] = []): string[] {
  const base = results.map((result, run) => given[run] ?? result.scenario.name);
  const seen = new Map<string, number>();
  return base.map((label) => {
    const times = (seen.get(label) ?? 0) + 1;
    seen.set(label, times);
    return times === 1 ? label : `${label} #${times}`;
  });
}
