import { escapeHtml } from './escape.js';
import { formatChangePct } from './format.js';
import { percentChange } from './percent-change.js';
import type { RunView } from './report-data.js';

/**
 * A table from a header row and rows of cell HTML; every cell must already be escaped (use the
 * helpers below). The first `textColumns` columns are text, the rest right-aligned numbers.
 */
export function htmlTable(headers: readonly string[], rows: readonly string[][], className: string, textColumns = 1): string {
  const head = headers.map((header, column) => `<th${column >= textColumns ? ' class="num"' : ''}>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A plain text cell. */
export function textCell(text: string): string {
  return `<td>${escapeHtml(text)}</td>`;
}

/** A right-aligned number cell. */
export function numberCell(text: string): string {
  return `<td class="num">${escapeHtml(text)}</td>`;
}

/** The run's name with its colour swatch, as in the chart legends (`colour`: a series drawn in another colour, e.g. its transport's). */
export function runCell(run: RunView, colour: string = run.colour): string {
  return `<th scope="row" class="run"><span class="swatch" style="background:${colour}"></span>${escapeHtml(run.label)}</th>`;
}

/**
 * A number with its change against the first run's, coloured better/worse (no change shown on the
 * first run itself or against a zero baseline).
 */
export function comparedCell(text: string, value: number, baseline: number | undefined, lowerIsBetter: boolean): string {
  const change = baseline === undefined ? undefined : percentChange(baseline, value, lowerIsBetter);
  const badge =
    change === undefined
      ? ''
      : ` <span class="change ${change.verdict}" title="against the first run">${escapeHtml(formatChangePct(change.changePct))}</span>`;
  return `<td class="num">${escapeHtml(text)}${badge}</td>`;
}
