import { chartJsSourceText } from '../html/chart-library.js';
import { contentSecurityPolicy } from '../html/content-security-policy.js';
import { escapeHtml, jsonForScript } from '../html/escape.js';
import { pageHead } from '../html/page-head.js';
import { REPORT_STYLE } from '../html/report-style.js';
import type { TrendData } from './trend-data.js';
import { TREND_CLIENT_SCRIPT } from './trend-script.js';

/** The trend page of one scenario: a chart per headline metric over its results, then a table linking every report. */
export function trendPage(data: TrendData, indexHref: string): string {
  const scripts = [chartJsSourceText(), TREND_CLIENT_SCRIPT];
  const title = `${data.scenario}: trend`;
  const figures = data.charts.map(
    (chart, index) =>
      `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption><div class="canvas-box"><canvas data-trend-chart="${index}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div></figure>`,
  );
  const failed = data.points.filter((point) => point.verdict === 'fail').length;
  const subtitle = `${data.points.length} result${data.points.length === 1 ? '' : 's'}, oldest first${failed > 0 ? ` · ${failed} failed the gate` : ''}`;
  return `${pageHead(title, contentSecurityPolicy(scripts), `${REPORT_STYLE}\nheader.top a { color: #fff; }`)}
<body>
<header class="top"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)} · <a class="back" href="${escapeHtml(indexHref)}">all reports</a></p></header>
<main>
<section id="trend"><h2>Headline metrics over time</h2><p class="note">One point per result. A cross marks a result that failed the CI gate (a threshold or compare regression), a filled circle one that passed, a ring one no gate judged. Click a point to open its report.</p>
<div class="charts">
${figures.join('\n')}
</div>
</section>
<section id="results"><h2>Results</h2>
${trendTable(data)}
</section>
</main>
<script type="application/json" id="pushbench-trend">${jsonForScript(data)}</script>
${scripts.map((script) => `<script>${script}</script>`).join('\n')}
</body>
</html>
`;
}

function trendTable(data: TrendData): string {
  const headers = ['started (UTC)', 'result', 'commit', 'gate', 'validity', ...data.charts.flatMap((chart) => chart.series.map((series) => (chart.column ? `${series.label} ${chart.column}` : series.label)))];
  const rows = data.points.map((point, index) => {
    const verdict = point.verdict === undefined ? '<td>-</td>' : `<td><span class="badge ${point.verdict === 'pass' ? 'ok' : 'invalid'}">${point.verdict}</span></td>`;
    const values = data.charts.flatMap((chart) =>
      chart.series.map((series) => {
        const value = series.values[index];
        return `<td class="num">${value === null || value === undefined ? '-' : escapeHtml(`${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}${chart.yUnit ? ` ${chart.yUnit}` : ''}`)}</td>`;
      }),
    );
    return [
      `<td class="num">${escapeHtml(point.startedAt.slice(0, 19).replace('T', ' '))}</td>`,
      `<td><a href="${escapeHtml(point.href)}">${escapeHtml(point.source)}</a></td>`,
      `<td>${escapeHtml(point.commit ?? '-')}</td>`,
      verdict,
      `<td><span class="badge ${point.valid ? 'ok' : 'invalid'}">${point.valid ? 'valid' : 'INVALID'}</span></td>`,
      ...values,
    ].join('');
  });
  const head = headers.map((header, column) => `<th${column >= 5 ? ' class="num"' : ''}>${escapeHtml(header)}</th>`).join('');
  return `<div class="table-wrap"><table class="trend"><thead><tr>${head}</tr></thead><tbody>\n${rows.map((row) => `<tr>${row}</tr>`).join('\n')}\n</tbody></table></div>`;
}
