import { escapeHtml } from './escape.js';
import { formatCount, formatFraction, formatLatencyUs } from './format.js';
import type { RunView } from './report-data.js';

/** Big numbers for a single-run report (in place of the summary table): throughput, success, errors, the main metric's percentiles. */
export function headlineCards(run: RunView): string {
  const h = run.headline;
  const cards: Array<[string, string]> = h.websocket
    ? [
        ['connect rate', `${formatCount(h.throughputPerSec)} conn/s`],
        ['connections opened', h.sent === 0 ? '-' : `${formatCount(h.ok)} (${formatFraction(h.ok / h.sent)})`],
        ['failed or dropped', `${formatCount(h.errors)} conn`],
      ]
    : [
        [h.delivery ? 'pairs published' : 'throughput', `${formatCount(h.throughputPerSec)}/s`],
        [h.delivery ? 'delivered' : 'success', h.sent === 0 ? '-' : formatFraction(h.ok / h.sent)],
        [h.delivery ? 'lost (all transports)' : 'errors', `${formatCount(h.errors)} ${h.delivery ? 'pairs' : 'requests'}`],
      ];
  if (h.metric !== undefined) {
    cards.push([`${h.metric} p50`, formatLatencyUs(h.p50Us)], [`${h.metric} p99`, formatLatencyUs(h.p99Us)], [`${h.metric} p99.9`, formatLatencyUs(h.p999Us)]);
  }
  const html = cards.map(([label, value]) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`);
  return `<div class="cards">${html.join('')}</div>`;
}
