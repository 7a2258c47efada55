import type { RunResult } from '../../result/run-result.js';
import { seriesStyle, type LineChartSpec, type RunStyle, type XBand } from './chart-spec.js';
import { formatCount, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell } from './html-table.js';
import { runLook } from './palette.js';
import type { RunView } from './report-data.js';
import { secondsChart } from './seconds-chart.js';
import { spectrumChart } from './spectrum-charts.js';

const PIPELINE_METRICS = ['pipeline.ingest', 'pipeline.latency', 'pipeline.last'] as const;
const METRIC_LABELS: Record<(typeof PIPELINE_METRICS)[number], string> = {
  'pipeline.ingest': 'ingest (webhook response)',
  'pipeline.latency': 'each subscriber',
  'pipeline.last': 'last subscriber',
};

function hasPipeline(result: RunResult): boolean {
  return result.counters['pipeline.expected'] !== undefined;
}

/** The pipeline headline per run: delivered % end to end, p50/p99 to each subscriber and to the last, missing, ingest errors. */
export function pipelineHeadlineTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    if (run === undefined || !hasPipeline(result)) return;
    const { counters, metrics } = result;
    const expected = counters['pipeline.expected'] ?? 0;
    const delivered = counters['pipeline.delivered'] ?? 0;
    const at = (name: string, p: 'p50' | 'p99'): string => (metrics[name] && metrics[name].count > 0 ? formatLatencyUs(metrics[name][p]) : '-');
    const errors = Object.entries(counters)
      .filter(([name]) => name.startsWith('pipeline.ingest.errors.'))
      .reduce((sum, [, value]) => sum + value, 0);
    rows.push([
      runCell(run),
      numberCell(expected === 0 ? '-' : `${((delivered / expected) * 100).toFixed(2)}%`),
      numberCell(`${formatCount(delivered)} / ${formatCount(expected)}`),
      numberCell(formatCount(counters['pipeline.missing'] ?? 0)),
      numberCell(at('pipeline.latency', 'p50')),
      numberCell(at('pipeline.latency', 'p99')),
      numberCell(at('pipeline.last', 'p50')),
      numberCell(at('pipeline.last', 'p99')),
      numberCell(formatCount(errors)),
    ]);
  });
  if (rows.length === 0) return '';
  return htmlTable(['run', 'delivered', 'pairs', 'missing', 'each p50', 'each p99', 'last p50', 'last p99', 'ingest errors'], rows, 'pipeline');
}

/** Latency percentiles of ingest, each subscriber and the last overlaid; pushes received per second with the backend restart shaded. */
export function pipelineCharts(results: readonly RunResult[], styleOf: RunStyle): LineChartSpec[] {
  const runs = results.map((result, run) => ({ result, run })).filter(({ result }) => hasPipeline(result));
  if (runs.length === 0) return [];
  const lines = runs.flatMap(({ result, run }) =>
    PIPELINE_METRICS.map((metric, index) => ({
      style: runs.length === 1 ? seriesStyle(METRIC_LABELS[metric], runLook(index).colour, runLook(index).dash) : seriesStyle(`${styleOf(run).label} · ${METRIC_LABELS[metric]}`, styleOf(run).colour, [[], [6, 3], [2, 2]][index]),
      summary: result.metrics[metric],
    })),
  );
  const spectrum = spectrumChart('pipeline latency by percentile (intended send → response / receipt)', lines);
  const delivered = secondsChart(
    'pushes received per second (shaded: backend restart)',
    'pushes per second',
    '/s',
    runs.map(({ result, run }) => ({ style: styleOf(run), timeline: result.timeline, valueOf: (point) => point.counts['pipeline.received'] ?? 0 })),
    runs.flatMap(({ result }) => restartBands(result)),
  );
  return [...(spectrum ? [spectrum] : []), delivered];
}

/** The seconds in which the built-in backend was down: from the second it stopped to the second it listened again. */
function restartBands(result: RunResult): XBand[] {
  const bands: XBand[] = [];
  let downAt: number | undefined;
  for (const point of result.timeline) {
    if ((point.counts['pipeline.faults.backendRestarts'] ?? 0) > 0) downAt = point.second;
    if ((point.counts['pipeline.faults.backendBack'] ?? 0) > 0 && downAt !== undefined) {
      bands.push({ fromX: downAt, toX: point.second + 1, label: 'backend restart' });
      downAt = undefined;
    }
  }
  return bands;
}
