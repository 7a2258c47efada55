import type { RunResult } from '../../result/run-result.js';
import { formatCount } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/** Why things failed: per run and failure counter, the first few distinct causes with their counts. Empty when nothing failed. */
export function causesSection(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    if (!result.causes || !run) return;
    for (const [counter, list] of Object.entries(result.causes)) {
      for (const { cause, count } of list) rows.push([runCell(run), textCell(counter), textCell(cause), numberCell(formatCount(count))]);
    }
  });
  if (rows.length === 0) return '';
  return `<section id="causes"><h2>Failure causes</h2><p class="note">Per failure counter, its first few distinct causes (close code and reason, error message, first bytes of an error body, the step that timed out) and how many failures each explains.</p>
${htmlTable(['run', 'counter', 'cause', 'count'], rows, 'causes', 3)}
</section>`;
}
