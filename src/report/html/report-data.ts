import type { RunResult } from '../../result/run-result.js';
import type { ChartSpec } from './chart-spec.js';
import { runHeadline, type RunHeadline } from './headline.js';
import { ledgerCharts } from './ledger-charts.js';
import { runColour } from './run-labels.js';
import { spectrumCharts } from './spectrum-charts.js';
import { connectionRampCharts, timelineCharts } from './timeline-charts.js';

/** Marks the embedded JSON of a pushbench report (publish finds reports by it). */
export const REPORT_DATA_FORMAT = 'pushbench-report/1';

/** What a run contributes to the page's legend, summary and the publish index. */
export interface RunView {
  label: string;
  colour: string;
  scenario: string;
  startedAt: string;
  durationMs: number;
  headline: RunHeadline;
}

export interface ChartSection {
  id: string;
  heading: string;
  note: string;
  charts: ChartSpec[];
}

/** The data embedded in a report as JSON: everything the charts draw, nothing secret. */
export interface ReportData {
  format: typeof REPORT_DATA_FORMAT;
  title: string;
  generatedAt: string;
  toolVersion: string;
  runs: RunView[];
  sections: ChartSection[];
}

export function buildReportData(results: readonly RunResult[], labels: readonly string[], title: string, generatedAt: Date): ReportData {
  const runs = results.map((result, run) => ({
    label: labels[run] ?? result.scenario.name,
    colour: runColour(run),
    scenario: result.scenario.name,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    headline: runHeadline(result),
  }));
  const sections: ChartSection[] = [
    {
      id: 'spectrum',
      heading: 'Latency by percentile',
      note: 'Latency at every percentile (HdrHistogram plot): the x axis stretches the tail, so p99.9 sits as far from p99 as p99 from p90. Lower is better.',
      charts: spectrumCharts(results),
    },
    { id: 'timeline', heading: 'Per second', note: 'Rates, p99 latency and errors in each second of the run.', charts: timelineCharts(results) },
    { id: 'connections', heading: 'Connection ramp', note: 'Connections open at the end of each second.', charts: connectionRampCharts(results) },
    {
      id: 'ledger',
      heading: 'Delivery: cost and ledger',
      note: 'What each transport cost for the same event stream, and every (event, subscriber) pair accounted for: published = delivered + lost + in flight; duplicates and reordering are counted apart.',
      charts: ledgerCharts(results),
    },
  ];
  return {
    format: REPORT_DATA_FORMAT,
    title,
    generatedAt: generatedAt.toISOString(),
    toolVersion: results[0]?.tool.version ?? '',
    runs,
    sections: sections.filter((section) => section.charts.length > 0),
  };
}
