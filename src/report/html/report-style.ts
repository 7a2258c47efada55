/** The report's stylesheet: readable on screen and in print, no web fonts, no remote anything. */
export const REPORT_STYLE = `
:root { --ink: #1d2530; --muted: #5b6573; --line: #e3e6ea; --panel: #ffffff; --page: #f4f6f8;
  --better: #146c2e; --better-bg: #e3f4e8; --worse: #a61b1b; --worse-bg: #fbe6e6; --warn-bg: #fff6dc; --warn: #7a5300; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.top { background: #17212e; color: #fff; padding: 22px 32px 18px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header.top p { margin: 0; color: #b9c3cf; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 32px 40px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 18px 0; }
h2 { margin: 0 0 4px; font-size: 18px; }
h3 { margin: 18px 0 6px; font-size: 14px; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
p.note { margin: 0 0 12px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 4px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; }
.num, th.run { white-space: nowrap; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
.num { text-align: right; }
th.run { font-weight: 600; }
table.summary td { font-size: 15px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 8px; vertical-align: -1px; }
.change { display: inline-block; margin-left: 4px; padding: 0 5px; border-radius: 4px; font-size: 12px; text-align: right; }
.change.better { color: var(--better); background: var(--better-bg); }
.change.worse { color: var(--worse); background: var(--worse-bg); }
.change.same { color: var(--muted); }
.badge { padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.ok { color: var(--better); background: var(--better-bg); }
.badge.invalid { color: #fff; background: var(--worse); }
.banner { border-radius: 8px; padding: 12px 18px; margin: 18px 0; }
.banner ul { margin: 6px 0 0; padding-left: 20px; }
.banner.invalid { background: var(--worse-bg); color: var(--worse); border: 2px solid var(--worse); font-size: 15px; }
.banner.warning { background: var(--warn-bg); color: var(--warn); border: 1px solid #f0d48a; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(520px, 100%), 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 6px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 13px; }
.canvas-box { position: relative; height: 300px; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
summary h2 { display: inline; }
pre { background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); text-align: center; padding: 8px 0 24px; font-size: 12px; }
@media (max-width: 600px) {
  header.top { padding: 16px 14px 12px; } header.top h1 { font-size: 20px; }
  main { padding: 10px 8px 24px; } section { padding: 12px 10px; margin: 10px 0; }
  .canvas-box { height: 260px; } th, td { padding: 5px 6px; } table { font-size: 12px; } table.summary td { font-size: 13px; }
  thead th { font-size: 10px; letter-spacing: 0; }
  .card .value { font-size: 22px; }
}
@media print {
  @page { margin: 12mm; }
  body { background: #fff; font-size: 11pt; }
  header.top { background: #fff; color: var(--ink); padding: 0 0 8px; border-bottom: 2px solid var(--ink); }
  header.top p { color: var(--muted); }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 14px 0; }
  figure.chart, table, .banner { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; gap: 10px; }
  .canvas-box { height: 220px; }
  canvas { max-width: 100% !important; height: auto !important; }
  .table-wrap { overflow: visible; }
  .badge.invalid, .banner.invalid { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .swatch { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
