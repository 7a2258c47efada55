import { escapeHtml } from './escape.js';
import { formatCount, formatLatencyUs } from './format.js';
import type { RunView } from './report-data.js';

/** Big numbers for a single-run report: throughput, errors and the primary metric's percentiles. */
export function headlineCards(run: RunView): string {
  const h = run.headline;
  const cards: Array<[string, string]> = [
    ['throughput', `${formatCount(h.throughputPerSec)}/s`],
    ['errors', formatCount(h.errors)],
  ];
  if (h.metric !== undefined) {
    cards.push([`${h.metric} p50`, formatLatencyUs(h.p50Us)], [`p99`, formatLatencyUs(h.p99Us)], [`p99.9`, formatLatencyUs(h.p999Us)]);
  }
  const html = cards.map(([label, value]) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`);
  return `<div class="cards">${html.join('')}</div>`;
}
