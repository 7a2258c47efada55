import type { RunResult } from '../../result/run-result.js';
import { buildReportData } from './report-data.js';
import { reportPage } from './report-template.js';
import { runLabels } from './run-labels.js';

export interface RenderReportOptions {
  /** The page title (default: "pushbench: A vs B" from the run labels, or "N runs compared" past three). */
  title?: string | undefined;
  /** A label per run for legends and tables (default: the scenario name, made unique). */
  labels?: readonly (string | undefined)[] | undefined;
  /** When the report was made (default: now); fixed in tests. */
  generatedAt?: Date | undefined;
}

/**
 * Renders one or more results as one self-contained HTML page: inlined Chart.js, data embedded as
 * JSON, every string escaped, a CSP that forbids remote loads. Runs are compared against the first.
 */
export function renderReport(results: readonly RunResult[], options: RenderReportOptions = {}): string {
  if (results.length === 0) throw new Error('renderReport: no results to report');
  const labels = runLabels(results, options.labels);
  const title = options.title ?? defaultTitle(labels);
  const data = buildReportData(results, labels, title, options.generatedAt ?? new Date());
  return reportPage(results, data);
}

function defaultTitle(labels: readonly string[]): string {
  return labels.length <= 3 ? `pushbench: ${labels.join(' vs ')}` : `pushbench: ${labels.length} runs compared`;
}
