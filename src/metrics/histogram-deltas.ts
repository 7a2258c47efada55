import { createHistogram, encodeHistogram, type Histogram } from './histogram.js';

/**
 * A child's samples since its previous report, for the parent's live views (progress, dashboard,
 * Prometheus) while the run goes on. The whole histograms still go back once, at the end, for the
 * exact merge; these deltas never reach result.json's totals.
 */
export class HistogramDeltas {
  /** What earlier reports carried, per name: the delta is the histogram minus this. */
  private readonly reported = new Map<string, Histogram>();
  private readonly scratch = createHistogram();

  /** Each histogram that gained samples since the last call, its new samples only, encoded. */
  take(histograms: Record<string, Histogram>): Record<string, string> {
    const deltas: Record<string, string> = {};
    for (const [name, histogram] of Object.entries(histograms)) {
      let reported = this.reported.get(name);
      if (histogram.totalCount === (reported?.totalCount ?? 0)) continue;
      if (!reported) {
        reported = createHistogram();
        this.reported.set(name, reported);
      }
      this.scratch.reset();
      this.scratch.add(histogram);
      this.scratch.subtract(reported);
      reported.add(this.scratch);
      deltas[name] = encodeHistogram(this.scratch);
    }
    return deltas;
  }
}

/** Every histogram with samples, encoded (a child's final report, for the exact merge). */
export function encodeNonEmpty(histograms: Record<string, Histogram>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [name, histogram] of Object.entries(histograms)) if (histogram.totalCount > 0) encoded[name] = encodeHistogram(histogram);
  return encoded;
}
