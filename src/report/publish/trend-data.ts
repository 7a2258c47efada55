import type { RunResult } from '../../result/run-result.js';
import { runHeadline } from '../html/headline.js';
import { OKABE_ITO, runColour, transportColour } from '../html/palette.js';
import type { GateVerdict } from './gate-verdict.js';

/** One result on a trend page: when it ran, where its report is, what the gate said. */
export interface TrendPoint {
  startedAt: string;
  /** The report of this result, relative to the trend page. */
  href: string;
  /** Where the result came from (its directory or file name). */
  source: string;
  commit: string | undefined;
  valid: boolean;
  verdict: GateVerdict | undefined;
}

/** One line of a trend chart: a value per point (null where that result has none). */
export interface TrendSeries {
  label: string;
  colour: string;
  values: Array<number | null>;
}

export interface TrendChart {
  title: string;
  /** What a table column of this chart's series is called after the series label ('p99' -> "webhook p99"); empty: the label alone. */
  column: string;
  yLabel: string;
  /** Unit in tooltips and table cells. */
  yUnit: string;
  series: TrendSeries[];
}

/** The data embedded in a trend page: its points in time order and the charts over them. */
export interface TrendData {
  format: 'pushbench-trend/1';
  scenario: string;
  points: TrendPoint[];
  charts: TrendChart[];
}

/** A result found under the published directory, with its report's address and gate verdict. */
export interface TrendInput {
  result: RunResult;
  href: string;
  source: string;
  verdict: GateVerdict | undefined;
}

/** The trend of one scenario: its results oldest first, headline metrics as lines (delivery runs: per transport). */
export function buildTrendData(scenario: string, inputs: readonly TrendInput[]): TrendData {
  const sorted = [...inputs].sort((a, b) => Date.parse(a.result.startedAt) - Date.parse(b.result.startedAt));
  const points = sorted.map(({ result, href, source, verdict }) => ({
    startedAt: result.startedAt,
    href,
    source,
    commit: result.env.gitCommit?.slice(0, 10),
    valid: runHeadline(result).valid,
    verdict,
  }));
  const results = sorted.map((input) => input.result);
  const isDelivery = results.some((result) => result.delivery !== undefined);
  return { format: 'pushbench-trend/1', scenario, points, charts: isDelivery ? deliveryTrendCharts(results) : loadTrendCharts(results) };
}

function loadTrendCharts(results: readonly RunResult[]): TrendChart[] {
  const headlines = results.map(runHeadline);
  const metrics = [...new Set(headlines.map((headline) => headline.metric).filter((metric) => metric !== undefined))];
  const metric = metrics.length === 1 ? metrics[0] : 'main latency metric';
  return [
    {
      title: `${metric} p50 and p99`,
      column: '',
      yLabel: 'latency (ms)',
      yUnit: 'ms',
      series: [
        { label: 'p50', colour: runColour(0), values: headlines.map((headline) => (headline.metric === undefined ? null : headline.p50Us / 1000)) },
        { label: 'p99', colour: runColour(1), values: headlines.map((headline) => (headline.metric === undefined ? null : headline.p99Us / 1000)) },
      ],
    },
    { title: 'throughput', column: '', yLabel: 'requests per second', yUnit: '/s', series: [{ label: 'throughput', colour: OKABE_ITO.bluishGreen, values: headlines.map((h) => h.throughputPerSec) }] },
    { title: 'errors', column: '', yLabel: 'errors', yUnit: '', series: [{ label: 'errors', colour: OKABE_ITO.vermillion, values: headlines.map((h) => h.errors) }] },
  ];
}

function deliveryTrendCharts(results: readonly RunResult[]): TrendChart[] {
  const transports = [...new Set(results.flatMap((result) => Object.keys(result.delivery?.transports ?? {})))];
  const perTransport = (valueOf: (result: RunResult, transport: string) => number | null): TrendSeries[] =>
    transports.map((transport) => ({ label: transport, colour: transportColour(transport, transports), values: results.map((result) => valueOf(result, transport)) }));
  return [
    {
      title: 'delivery latency p99 per transport',
      column: 'p99',
      yLabel: 'latency (ms)',
      yUnit: 'ms',
      series: perTransport((result, transport) => {
        const summary = result.metrics[`delivery.${transport}.latency`];
        return summary === undefined || summary.count === 0 ? null : summary.p99 / 1000;
      }),
    },
    {
      title: 'delivered per transport',
      column: 'delivered',
      yLabel: 'delivered (% of published pairs)',
      yUnit: '%',
      series: perTransport((result, transport) => {
        const cost = result.delivery?.transports[transport];
        return cost === undefined || cost.published === 0 ? null : Math.round((cost.delivered / cost.published) * 10000) / 100;
      }),
    },
    {
      title: 'lost per transport',
      column: 'lost',
      yLabel: 'lost (pairs)',
      yUnit: 'pairs',
      series: perTransport((result, transport) => result.delivery?.transports[transport]?.lost ?? null),
    },
  ];
}
