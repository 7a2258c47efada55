import type { RunResult } from '../../result/run-result.js';
import type { BarChartSpec, BarSeries } from './chart-spec.js';
import { LEDGER_KINDS, ledgersOf } from './ledger.js';

/** One bar chart per transport: the ledger kinds side by side, a bar per run. */
export function ledgerCharts(results: readonly RunResult[]): BarChartSpec[] {
  const ledgers = results.map((result) => ledgersOf(result));
  const transports = [...new Set(ledgers.flatMap((byTransport) => [...byTransport.keys()]))];
  return transports.map((transport) => {
    const series: BarSeries[] = [];
    ledgers.forEach((byTransport, run) => {
      const ledger = byTransport.get(transport);
      if (ledger !== undefined) series.push({ run, values: LEDGER_KINDS.map((kind) => ledger[kind]) });
    });
    return { kind: 'bar', title: `${transport} delivery ledger`, categories: [...LEDGER_KINDS], yLabel: 'events', yUnit: '', series };
  });
}
