import { escapeHtml } from '../html/escape.js';
import { pageHead } from '../html/page-head.js';
import { formatCount, formatLatencyUs } from '../html/format.js';
import type { PublishedReport } from './report-data-reader.js';

/** A report as the index lists it: where it is (relative to the index) and what it says. */
export interface IndexEntry {
  href: string;
  report: PublishedReport;
}

/** A scenario's trend page as the index links it. */
export interface TrendLink {
  scenario: string;
  href: string;
  results: number;
  failed: number;
}

const INDEX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const INDEX_STYLE = `
body { margin: 0; background: #f4f6f8; color: #1d2530; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { background: #17212e; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; } header p { margin: 0; color: #b9c3cf; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 32px 40px; overflow-x: auto; }
h2 { font-size: 18px; } ul.trends { padding-left: 20px; } ul.trends li { margin: 4px 0; }
@media (max-width: 600px) { header { padding: 16px 14px; } main { padding: 10px 8px; } }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e3e6ea; font-variant-numeric: tabular-nums; }
th, td { padding: 8px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
thead th { color: #5b6573; font-size: 12px; text-transform: uppercase; }
.num { text-align: right; white-space: nowrap; }
a { color: #1f5fa8; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.invalid { color: #fff; background: #a61b1b; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.ok { color: #146c2e; background: #e3f4e8; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
`;

/** index.html of a published site: one row per report with each run's headline numbers. No scripts at all. */
export function indexPage(entries: readonly IndexEntry[], trends: readonly TrendLink[], title: string): string {
  const rows = entries.map(indexRow).join('\n');
  const trendItems = trends.map(
    (trend) =>
      `<li><a href="${escapeHtml(trend.href)}">${escapeHtml(trend.scenario)}</a> <small>${trend.results} result${trend.results === 1 ? '' : 's'}${trend.failed > 0 ? `, ${trend.failed} failed the gate` : ''}</small></li>`,
  );
  const trendList = trends.length > 0 ? `<h2>Trends</h2>\n<ul class="trends">${trendItems.join('')}</ul>\n<h2>Reports</h2>` : '';
  return `${pageHead(title, INDEX_CSP, INDEX_STYLE)}
<body>
<header><h1>${escapeHtml(title)}</h1><p>${entries.length} report${entries.length === 1 ? '' : 's'}, newest first</p></header>
<main>
${trendList}
<table>
<thead><tr><th>report</th><th>run</th><th class="num">throughput</th><th class="num">errors</th><th>latency metric</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th>validity</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}

function indexRow(entry: IndexEntry): string {
  const { report } = entry;
  const span = Math.max(1, report.runs.length);
  const reportCell = `<td rowspan="${span}"><a href="${escapeHtml(entry.href)}">${escapeHtml(report.title)}</a><br><small>${escapeHtml(report.generatedAt.slice(0, 10))}</small></td>`;
  const runRows = report.runs.map((run) => {
    const h = run.headline;
    return [
      `<td><span class="swatch" style="background:${run.colour}"></span>${escapeHtml(run.label)}</td>`,
      `<td class="num">${escapeHtml(formatCount(h.throughputPerSec))}/s</td>`,
      `<td class="num">${escapeHtml(formatCount(h.errors))}</td>`,
      `<td>${escapeHtml(h.metric ?? '-')}</td>`,
      `<td class="num">${escapeHtml(formatLatencyUs(h.p50Us))}</td>`,
      `<td class="num">${escapeHtml(formatLatencyUs(h.p99Us))}</td>`,
      `<td class="num">${escapeHtml(formatLatencyUs(h.p999Us))}</td>`,
      `<td><span class="${h.valid ? 'ok' : 'invalid'}">${h.valid ? 'valid' : 'INVALID'}</span></td>`,
    ].join('');
  });
  if (runRows.length === 0) return `<tr>${reportCell}<td colspan="8">no runs</td></tr>`;
  return runRows.map((cells, index) => `<tr>${index === 0 ? reportCell : ''}${cells}</tr>`).join('\n');
}
