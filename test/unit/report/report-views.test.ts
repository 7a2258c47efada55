import { describe, expect, it } from 'vitest';
import { PHASES } from '../../../src/run/phases.js';
import { buildReportData } from '../../../src/report/html/report-data.js';
import { isReportView } from '../../../src/report/html/report-view.js';
import { REPORT_VIEWS, ownViews } from '../../../src/report/html/report-views.js';
import { fixtureResult } from './report-fixtures.js';

describe('the report views, keyed by the phase registry', () => {
  const entries: Record<string, unknown> = REPORT_VIEWS;

  it('has an entry for every phase kind in PHASES, a view or an explicit "no own view", and none besides', () => {
    for (const phase of PHASES) {
      const entry = REPORT_VIEWS[phase.section];
      expect(entry, phase.section).toBeDefined();
      if (!isReportView(entry)) expect(entry.noOwnView, phase.section).toMatch(/\S/);
    }
    expect(Object.keys(entries).sort()).toEqual(PHASES.map((phase) => phase.section).sort());
  });

  it('lists its own sections in page order: pipeline, then delivery and its diagnostics', () => {
    const ids = ownViews().flatMap((view) => view.sectionIds);
    expect(ids).toEqual(['pipeline', 'delivery', 'delivery-diagnostics']);
  });

  it('the delivery comparison shows the delivery view sections first, in the order the view declares them', () => {
    const data = buildReportData([fixtureResult('webhook-vs-websocket')], ['run'], 'delivery', new Date('2026-01-02T03:04:05Z'));
    expect(data.sections.map((section) => section.id).slice(0, 2)).toEqual(REPORT_VIEWS.delivery.sectionIds);
  });
});
