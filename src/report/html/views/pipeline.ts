import { pipelineCharts, pipelineHeadlineTable } from '../pipeline-view.js';
import type { ReportView } from '../report-view.js';

/** A `pipeline:` run: webhook in, push out (docs/reports.md, "Pipeline reports"). */
export const pipelineView: ReportView = {
  sectionIds: ['pipeline'],
  sections: (results, _labels, styleOf) => {
    const charts = pipelineCharts(results, styleOf);
    if (charts.length === 0) return [];
    return [
      {
        id: 'pipeline',
        heading: 'Pipeline: webhook in, push out',
        note: 'Each accepted webhook is expected at every subscriber held at its intended send time: delivered + missing = expected. Latency runs from the intended send time, so a backend or generator that falls behind shows.',
        charts,
      },
    ];
  },
  tables: (results, runs) => ({ pipeline: pipelineHeadlineTable(results, runs) }),
};
