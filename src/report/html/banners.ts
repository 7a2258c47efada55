import type { RunResult } from '../../result/run-result.js';
import { escapeHtml } from './escape.js';
import type { RunView } from './report-data.js';

/**
 * A red banner per invalid run (with its reasons), then one amber note per distinct warning naming
 * the runs it applies to. Empty when all is well.
 */
export function runBanners(results: readonly RunResult[], runs: readonly RunView[]): string {
  const invalid = runs
    .filter((run) => !run.headline.valid)
    .map((run) => {
      const reasons = run.headline.invalidReasons.length > 0 ? run.headline.invalidReasons : ['the run marked itself invalid'];
      return banner('invalid', `Run “${run.label}” is INVALID — do not compare its numbers`, reasons);
    });
  const warnings = [...runsByWarning(results, runs)].map(([warning, labels]) => banner('warning', `Warning for ${labels.join(', ')}`, [warning]));
  return [...invalid, ...warnings].join('\n');
}

function runsByWarning(results: readonly RunResult[], runs: readonly RunView[]): Map<string, string[]> {
  const byWarning = new Map<string, string[]>();
  results.forEach((result, index) => {
    const label = runs[index]?.label;
    if (label === undefined) return;
    const lines = [...result.validity.warnings, ...(result.interrupted ? ['the run was interrupted before its planned end'] : [])];
    for (const line of lines) byWarning.set(line, [...(byWarning.get(line) ?? []), `“${label}”`]);
  });
  return byWarning;
}

function banner(kind: 'invalid' | 'warning', heading: string, lines: readonly string[]): string {
  const items = lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  const role = kind === 'invalid' ? ' role="alert"' : '';
  return `<div class="banner ${kind}"${role}><strong>${escapeHtml(heading)}</strong><ul>${items}</ul></div>`;
}
