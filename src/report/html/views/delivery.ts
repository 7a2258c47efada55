import type { RunResult } from '../../../result/run-result.js';
import { deliveryCharts, deliveryDiagnosticCharts } from '../delivery-charts.js';
import { deliveryCostTable } from '../delivery-cost-table.js';
import { deliveryHeadlineTable } from '../delivery-headline.js';
import { transportSeries } from '../delivery-series.js';
import { ledgersOf } from '../ledger.js';
import { ledgerTable } from '../ledger-table.js';
import type { ChartSection, RunView } from '../report-data.js';
import type { ReportView } from '../report-view.js';

/** A `delivery:` run: the same event stream through each transport (docs/reports.md). */
export const deliveryView: ReportView = {
  sectionIds: ['delivery', 'delivery-diagnostics'],
  sections: (results, labels) => {
    const transports = transportSeries(results, labels);
    const delivery: ChartSection = {
      id: 'delivery',
      heading: 'Delivery: the same event stream through each transport',
      note: 'One colour per transport on every chart. Latency runs from the scheduled time to the first receipt, so a sender that falls behind shows its delay. Lower latency is better; delivered should reach the published count.',
      charts: deliveryCharts(transports),
    };
    const diagnostics: ChartSection = {
      id: 'delivery-diagnostics',
      heading: 'Delivery diagnostics: send delay, requests, attempts, retry amplification, ledger',
      note: 'How late first sends left, what each transport spent, and every (event, subscriber) pair accounted for: published = delivered + lost + in flight; duplicates and reordering are counted apart.',
      charts: deliveryDiagnosticCharts(transports),
      collapsed: true,
    };
    // The diagnostics section also holds the cost and ledger tables, so it stays whenever a run has a ledger.
    return [...(delivery.charts.length > 0 ? [delivery] : []), ...(diagnostics.charts.length > 0 || hasLedger(results) ? [diagnostics] : [])];
  },
  tables: (results, runs) => {
    const transports = transportSeries(results, labelsOf(runs));
    return {
      // Mixed with other runs, the summary is the run table: the per-transport headline heads the delivery section instead.
      delivery: allDelivery(results) ? '' : deliveryHeadlineTable(transports),
      'delivery-diagnostics': deliveryCostTable(transports) + ledgerTable(results, runs),
    };
  },
  summary: (results, runs) => {
    if (!allDelivery(results)) return undefined;
    return {
      note: 'Each transport carried the same seeded event stream to the same subscribers; counts are (event, subscriber) pairs.',
      table: deliveryHeadlineTable(transportSeries(results, labelsOf(runs))),
    };
  },
};

function allDelivery(results: readonly RunResult[]): boolean {
  return results.every((result) => result.delivery !== undefined);
}

function hasLedger(results: readonly RunResult[]): boolean {
  return results.some((result) => result.delivery !== undefined || ledgersOf(result).size > 0);
}

function labelsOf(runs: readonly RunView[]): string[] {
  return runs.map((run) => run.label);
}
