import type { PhaseSection } from '../../run/phases.js';
import { isReportView, type NoOwnView, type ReportView } from './report-view.js';
import { deliveryView } from './views/delivery.js';
import { pipelineView } from './views/pipeline.js';

/**
 * The report's view of each phase kind, keyed by the scenario sections of the phase registry
 * (src/run/phases.ts): run/ sits below report/ and cannot hold the views itself. Listed in page
 * order; a new phase kind adds its entry here and its view file under views/.
 */
export const REPORT_VIEWS = {
  pipeline: pipelineView,
  delivery: deliveryView,
  webhook: { noOwnView: 'the common sections show it: summary, percentiles, per second (with a row per target when there are several)' },
  websocket: { noOwnView: 'the common sections show it: summary, percentiles, per second, connections (with a row per process)' },
  sse: { noOwnView: 'the common sections show it: summary, percentiles, per second, connections (with a row per process)' },
} satisfies Record<PhaseSection, ReportView | NoOwnView>;

/** The entries with a view of their own, in page order. */
export function ownViews(): ReportView[] {
  return Object.values(REPORT_VIEWS as Record<PhaseSection, ReportView | NoOwnView>).filter(isReportView);
}
