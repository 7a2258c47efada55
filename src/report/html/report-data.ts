import type { RunResult } from '../../result/run-result.js';
import { seriesStyle, type ChartSpec, type RunStyle } from './chart-spec.js';
import { runHeadline, type RunHeadline } from './headline.js';
import { runColour, runLook } from './palette.js';
import { spectrumCharts } from './spectrum-charts.js';
import { ownViews } from './report-views.js';
import { connectionRampCharts, dropCharts, timelineCharts } from './timeline-charts.js';

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

/** A section of charts: the phase views' own (REPORT_VIEWS), then the common ones; the page adds each section's tables by id. */
export interface ChartSection {
  id: string;
  heading: string;
  note: string;
  charts: ChartSpec[];
  /** Shown folded (a `<details>` the reader opens). */
  collapsed?: boolean;
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
  const styleOf: RunStyle = (run) => seriesStyle(runs[run]?.label ?? '', runLook(run).colour, runLook(run).dash);
  const common: ChartSection[] = [
    {
      id: 'spectrum',
      heading: 'Latency by percentile',
      note: 'Latency at every percentile (HdrHistogram plot): the x axis stretches the tail, so p99.9 sits as far from p99 as p99 from p90. Lower is better.',
      charts: spectrumCharts(results, styleOf, (metric) => !metric.startsWith('delivery.')),
    },
    { id: 'timeline', heading: 'Per second', note: 'Asked and achieved rates, p50/p99 latency and errors by class in each second of the run.', charts: timelineCharts(results, styleOf) },
    {
      id: 'connections',
      heading: 'Connections',
      note: 'Connections open at the end of each second on the client and the server side, connections dropped by close code, and the health of each process.',
      charts: [...connectionRampCharts(results, styleOf), ...dropCharts(results, styleOf)],
    },
  ];
  return {
    format: REPORT_DATA_FORMAT,
    title,
    generatedAt: generatedAt.toISOString(),
    toolVersion: results[0]?.tool.version ?? '',
    runs,
    sections: [...ownViews().flatMap((view) => view.sections(results, labels, styleOf)), ...common.filter((section) => section.charts.length > 0)],
  };
}
