import type { RunResult } from '../result/run-result.js';

/** The summary's cause lines, under the error headline: per failure counter, each kept cause with its count. */
export function causeLines(causes: RunResult['causes']): string[] {
  if (!causes) return [];
  const lines: string[] = [];
  for (const [counter, list] of Object.entries(causes)) {
    list.forEach(({ cause, count }, index) => {
      const label = index === 0 ? `${counter}:` : '';
      lines.push(`${index === 0 && lines.length === 0 ? '  causes     ' : '             '}${label.padEnd(counter.length + 1)} ${String(count).padStart(7)} x ${cause}`);
    });
  }
  return lines;
}
