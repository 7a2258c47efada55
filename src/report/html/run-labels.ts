import type { RunResult } from '../../result/run-result.js';

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
