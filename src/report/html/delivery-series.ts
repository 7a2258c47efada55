import type { DeliveryTransportResult, RunResult } from '../../result/run-result.js';
import { seriesStyle, type SeriesStyle } from './chart-spec.js';
import { runTransportLook } from './palette.js';

/** One transport of one delivery run: a series on every delivery chart and a row of every delivery table. */
export interface TransportSeries {
  run: number;
  transport: string;
  result: RunResult;
  cost: DeliveryTransportResult;
  /** Colour from the transport, dash from the run; the label names the run too when there are several. */
  style: SeriesStyle;
}

/** Every run × transport of the delivery runs, runs in order, transports in the order they ran. */
export function transportSeries(results: readonly RunResult[], labels: readonly string[]): TransportSeries[] {
  const deliveryRuns = results.filter((result) => result.delivery !== undefined).length;
  const transports = [...new Set(results.flatMap((result) => Object.keys(result.delivery?.transports ?? {})))];
  return results.flatMap((result, run) =>
    Object.entries(result.delivery?.transports ?? {}).map(([transport, cost]) => {
      const look = runTransportLook(run, transport, transports);
      const label = deliveryRuns > 1 ? `${labels[run] ?? result.scenario.name} · ${transport}` : transport;
      return { run, transport, result, cost, style: seriesStyle(label, look.colour, look.dash) };
    }),
  );
}
