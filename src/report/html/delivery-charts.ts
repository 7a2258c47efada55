import type { BarChartSpec, LineChartSpec, XBand } from './chart-spec.js';
import type { TransportSeries } from './delivery-series.js';
import { LEDGER_KINDS } from './ledger.js';
import { spectrumChart } from './spectrum-charts.js';

/** The delivery story in three charts: latency by percentile, delivered per second with the outage shaded, the ledger. */
export function deliveryCharts(series: readonly TransportSeries[]): Array<LineChartSpec | BarChartSpec> {
  if (series.length === 0) return [];
  const latency = spectrumChart(
    'delivery latency by percentile (scheduled → first receipt)',
    series.map((entry) => ({ style: entry.style, summary: entry.result.metrics[`delivery.${entry.transport}.latency`] })),
  );
  // Transports differ by orders of magnitude (µs for a push, seconds for a retried webhook): a log axis shows both.
  return [...(latency ? [{ ...latency, yLog: true, title: `${latency.title}, log scale` }] : []), ...deliveredPerSecondCharts(series), ledgerChart(series)];
}

/** The diagnostics: how late each first send left (sendDelay), by percentile, and the requests each delivered event cost. */
export function deliveryDiagnosticCharts(series: readonly TransportSeries[]): Array<LineChartSpec | BarChartSpec> {
  const sendDelay = spectrumChart(
    'send delay by percentile (scheduled → first send)',
    series.map((entry) => ({ style: entry.style, summary: entry.result.metrics[`delivery.${entry.transport}.sendDelay`] })),
  );
  const requests = requestsChart(series);
  return [...(sendDelay ? [sendDelay] : []), ...(requests ? [requests] : [])];
}

/** Requests (HTTP requests + WebSocket upgrades) per delivered pair, a bar per run × transport; none for results without the figure. */
function requestsChart(series: readonly TransportSeries[]): BarChartSpec | undefined {
  const withRequests = series.filter((entry) => entry.cost.requestsPerDelivered !== undefined);
  if (withRequests.length === 0) return undefined;
  return {
    kind: 'bar',
    title: 'requests per delivered event (HTTP requests + WebSocket upgrades)',
    categories: ['requests per event'],
    yLabel: 'requests per (event, subscriber) pair',
    yUnit: '',
    series: withRequests.map((entry) => ({ ...entry.style, values: [entry.cost.requestsPerDelivered!] })),
  };
}

/** Pairs delivered per second since each transport's stream start; none when no run recorded them (older results). */
function deliveredPerSecondCharts(series: readonly TransportSeries[]): LineChartSpec[] {
  const withSeconds = series.filter((entry) => entry.cost.deliveredPerSecond !== undefined);
  if (withSeconds.length === 0) return [];
  return [
    {
      kind: 'line',
      title: 'delivered per second (shaded: receiver outage)',
      xScale: 'seconds',
      xLabel: 'time since the stream started (s)',
      yLabel: 'pairs delivered per second',
      yUnit: '/s',
      series: withSeconds.map((entry) => ({ ...entry.style, points: (entry.cost.deliveredPerSecond ?? []).map((count, second): [number, number] => [second, count]) })),
      bands: outageBands(series),
    },
  ];
}

/** Each distinct outage window of the runs, in seconds from the stream's start. */
function outageBands(series: readonly TransportSeries[]): XBand[] {
  const bands = new Map<string, XBand>();
  for (const { result } of series) {
    const outage = result.delivery?.outage;
    if (outage === undefined) continue;
    const band = { fromX: outage.atUs / 1e6, toX: (outage.atUs + outage.forUs) / 1e6, label: 'receiver outage' };
    bands.set(`${band.fromX}-${band.toX}`, band);
  }
  return [...bands.values()];
}

/** The ledger as one grouped bar chart: a group per ledger kind, a bar per run × transport. */
function ledgerChart(series: readonly TransportSeries[]): BarChartSpec {
  return {
    kind: 'bar',
    title: 'delivery ledger ((event, subscriber) pairs)',
    categories: [...LEDGER_KINDS],
    yLabel: 'pairs',
    yUnit: 'pairs',
    series: series.map((entry) => ({ ...entry.style, values: LEDGER_KINDS.map((kind) => entry.cost[kind]) })),
  };
}
