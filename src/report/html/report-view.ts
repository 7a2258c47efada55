import type { RunResult } from '../../result/run-result.js';
import type { RunStyle } from './chart-spec.js';
import type { ChartSection, RunView } from './report-data.js';

/**
 * What one kind of phase adds to the HTML report: its own sections, between the causes and the
 * common latency sections. Registered by the phase's scenario section in REPORT_VIEWS.
 */
export interface ReportView {
  /** The ids of its sections in page order: the page keeps a line for each, shown or not. */
  sectionIds: readonly string[];
  /** Its sections that have something to show for these runs, charts included (they are embedded as data). */
  sections(results: readonly RunResult[], labels: readonly string[], styleOf: RunStyle): ChartSection[];
  /** The server-rendered tables heading each of its sections, by section id. */
  tables(results: readonly RunResult[], runs: readonly RunView[]): Record<string, string>;
  /** The page's summary when this view tells every run best (it replaces the run table), else undefined. */
  summary?(results: readonly RunResult[], runs: readonly RunView[]): ViewSummary | undefined;
}

export interface ViewSummary {
  note: string;
  table: string;
}

/** A phase kind whose figures the common sections (summary, percentiles, per second, connections) already show. */
export interface NoOwnView {
  noOwnView: string;
}

export function isReportView(entry: ReportView | NoOwnView): entry is ReportView {
  return 'sectionIds' in entry;
}
