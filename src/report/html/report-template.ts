import type { RunResult } from '../../result/run-result.js';
import { runBanners } from './banners.js';
import { causesSection } from './causes-table.js';
import { chartJsSourceText } from './chart-library.js';
import { REPORT_CLIENT_SCRIPT } from './client-script.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { pageHead } from './page-head.js';
import { headlineCards } from './headline-cards.js';
import { generatorLagTable } from './generator-lag-table.js';
import { metricTables } from './metric-tables.js';
import type { ChartSection, ReportData } from './report-data.js';
import { REPORT_STYLE } from './report-style.js';
import { ownViews } from './report-views.js';
import { environmentTable, scenarioBlocks, validityTable } from './run-details.js';
import { shardSection } from './shard-table.js';
import { summaryTable } from './summary-table.js';
import { webhookTargetsTable } from './webhook-targets-table.js';
import { wsProcessTable } from './ws-process-table.js';

/** The id of the `<script type="application/json">` holding ReportData. */
export const REPORT_DATA_ELEMENT_ID = 'pushbench-data';

/** The whole page: server-rendered text and tables, chart placeholders, the data, Chart.js and the drawing script. */
export function reportPage(results: readonly RunResult[], data: ReportData): string {
  const runs = data.runs;
  const first = runs[0];
  const scripts = [chartJsSourceText(), REPORT_CLIENT_SCRIPT];
  const scenarios = [...new Set(runs.map((run) => run.scenario))].join(', ');
  const subtitle = `${runs.length === 1 ? '1 run' : `${runs.length} runs`} of ${scenarios} · generated ${data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} by pushbench ${data.toolVersion}`;
  const comparing = runs.length > 1 ? ' Changes are against the first run: green is better, red is worse, grey within ±1%.' : '';
  const views = ownViews();
  const tables: Record<string, string> = {
    ...Object.fromEntries(views.flatMap((view) => Object.entries(view.tables(results, runs)))),
    timeline: webhookTargetsTable(results, runs),
    connections: wsProcessTable(results, runs),
  };
  const sections = new Map(data.sections.map((section, index) => [section.id, chartSection(section, index, tables[section.id] ?? '')]));
  const viewSummary = views.map((view) => view.summary?.(results, runs)).find((found) => found !== undefined);
  const summaryNote = viewSummary?.note ?? `Throughput, errors and the latency of each run's main metric.${comparing}`;
  const summary = viewSummary?.table ?? (runs.length === 1 && first !== undefined ? headlineCards(first) : summaryTable(runs));
  const viewSections = views.flatMap((view) => view.sectionIds.map((id) => sections.get(id) ?? '')).join('\n');
  return `${pageHead(data.title, contentSecurityPolicy(scripts), REPORT_STYLE, `<meta name="generator" content="pushbench ${escapeHtml(data.toolVersion)}">\n`)}
<body>
<header class="top"><h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<main>
${runBanners(results, runs)}
<section id="summary"><h2>Summary</h2><p class="note">${escapeHtml(summaryNote)}</p>
${summary}
</section>
${causesSection(results, runs)}
${viewSections}
${sections.get('spectrum') ?? ''}
<section id="percentiles"><h2>Latency percentiles</h2><p class="note">${escapeHtml(`Every latency metric, from the full HDR histogram of each run.${comparing}`)}</p>
${metricTables(results, runs)}
${generatorLagTable(results, runs)}
</section>
${sections.get('timeline') ?? ''}
${sections.get('connections') ?? ''}
<section id="validity"><h2>Validity</h2><p class="note">Was the load generator able to keep its schedule? Send lag, a late event loop and waiting for a CPU mean the generator, not the target, set the pace (docs/metrics.md, Validity).</p>
${validityTable(results, runs)}
</section>
${shardSection(results)}
<section id="environment"><h2>Environment</h2>
${environmentTable(results, runs)}
</section>
<section id="scenarios"><h2>Scenarios</h2>
${scenarioBlocks(results, runs)}
</section>
</main>
<footer>Rendered from result.json by pushbench ${escapeHtml(data.toolVersion)}. Self-contained: works offline; the data is embedded below.</footer>
<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">${jsonForScript(data)}</script>
${scripts.map((script) => `<script>${script}</script>`).join('\n')}
</body>
</html>
`;
}

function chartSection(section: ChartSection, sectionIndex: number, tables: string): string {
  const figures = section.charts.map((chart, chartIndex) => {
    const title = escapeHtml(chart.title);
    return `<figure class="chart"><figcaption>${title}</figcaption><div class="canvas-box"><canvas data-chart="${sectionIndex}.${chartIndex}" role="img" aria-label="${title}"></canvas></div></figure>`;
  });
  const charts = figures.length > 0 ? `<div class="charts">\n${figures.join('\n')}\n</div>` : '';
  const body = `<p class="note">${escapeHtml(section.note)}</p>\n${tables}\n${charts}`;
  const heading = escapeHtml(section.heading);
  if (section.collapsed) return `<section id="${section.id}"><details><summary><h2>${heading}</h2></summary>\n${body}\n</details></section>`;
  return `<section id="${section.id}"><h2>${heading}</h2>${body}</section>`;
}
