import { chartJsSourceText } from '../html/chart-library.js';
import { contentSecurityPolicy } from '../html/content-security-policy.js';
import { escapeHtml, jsonForScript } from '../html/escape.js';
import { pageHead } from '../html/page-head.js';
import { runColour, transportColour } from '../html/palette.js';
import { REPORT_STYLE } from '../html/report-style.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const EXTRA_STYLE = `
.live { height: 300px; position: relative; }
#status { font-variant-numeric: tabular-nums; }
#ended { background: var(--better-bg); color: var(--better); border: 1px solid var(--better); }
#ended a { font-weight: 650; }
`;

/** The colours and dashes the page's script draws with: the report's palette. */
function look(): { colours: string[]; transports: Record<string, string>; dashes: number[][] } {
  return {
    colours: Array.from({ length: 8 }, (_unused, index) => runColour(index)),
    transports: Object.fromEntries(
      ['webhook', 'websocket', 'websocket-ack'].flatMap((name) => [`${name} delivered`, `${name} p99`].map((key) => [key, transportColour(name, [])])),
    ),
    dashes: [[], [6, 3], [2, 2], [8, 3, 2, 3]],
  };
}

/** The live dashboard: Chart.js and the script inlined (it loads nothing), data over SSE from the same origin. */
export function renderDashboardPage(scenario: string): string {
  const chartJs = chartJsSourceText();
  // connect-src 'self' lets EventSource and the end-of-run fetch of report.html reach this server, nothing else.
  const policy = contentSecurityPolicy([chartJs, DASHBOARD_SCRIPT]).replace("default-src 'none';", "default-src 'none'; connect-src 'self';");
  const title = `pushbench live: ${scenario}`;
  return `${pageHead(title, policy, REPORT_STYLE + EXTRA_STYLE)}
<body data-points="0">
<header class="top"><h1>${escapeHtml(title)}</h1><p id="status">waiting for the first second...</p></header>
<main>
<section id="ended" class="banner" hidden>The run has ended. <a id="report-link" target="_blank" rel="noopener">Open report.html</a> <span id="report-path"></span></section>
<section><div class="charts">
<div><h2>Rate</h2><div class="live"><canvas id="rate"></canvas></div></div>
<div><h2>Latency p50 / p99 per second</h2><div class="live"><canvas id="latency"></canvas></div></div>
<div><h2>Errors</h2><div class="live"><canvas id="errors"></canvas></div></div>
<div><h2>Connections</h2><div class="live"><canvas id="connections"></canvas></div></div>
</div></section>
</main>
<script type="application/json" id="pushbench-look">${jsonForScript(look())}</script>
<script>${chartJs}</script>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
