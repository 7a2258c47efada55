import { createHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import type { ProcessHealth } from '../metrics/process-monitor.js';

/** One process that generated or paced load, as its phase reports it to the validity rule. */
export interface GeneratorReport {
  role: string;
  pid: number;
  /** Its health; absent for the run's own process, whose monitor covers the whole run. */
  health?: ProcessHealth;
  /** Present when it paced an open-model schedule. */
  pace?: PaceFigures;
}

/** How well one pacer kept its schedule: what validity judges a generating process's pace by. */
export interface PaceFigures {
  dispatched: number;
  /** How late each send started after its intended time (µs). */
  sendLagP50Us: number;
  sendLagP90Us: number;
  sendLagP99Us: number;
  sendLagMaxUs: number;
  /**
   * The lowest achieved share of the schedule over a 1 s window: of the arrivals due in
   * [w, w + 1 s), the share dispatched by w + 1 s + grace, over windows with at least
   * MIN_WINDOW_ARRIVALS due (1 when none qualifies). Jitter shorter than the grace costs nothing;
   * a pacer that falls behind has sent less than its window asked by the window's end.
   */
  worstWindowRateShare: number;
  /** The window (second of the schedule) of worstWindowRateShare; absent when no window qualifies. */
  worstWindowSecond?: number;
}

const WINDOW_US = 1_000_000;
/** A window with fewer due arrivals says too little about a rate to be judged. */
export const MIN_WINDOW_ARRIVALS = 20;
/**
 * A send this far past its window's end still counts as sent in its window (it is jitter, judged
 * by sendLag). The same as the sendLag p99 bound in src/run/validity.ts.
 */
export const WINDOW_GRACE_US = 5_000;

/** Collects a pacer's send lags and per-window counts; cheap enough for every send (one HDR record). */
export class PaceTracker {
  private readonly lag: Histogram = createHistogram();
  private readonly due: number[] = [];
  private readonly inTime: number[] = [];
  private dispatched = 0;

  constructor(private readonly startUs: number) {}

  /** One send, intended at `intendedUs`, dispatched at `nowUs`. */
  add(intendedUs: number, nowUs: number): void {
    const lagUs = nowUs - intendedUs;
    recordUs(this.lag, lagUs);
    this.dispatched++;
    const window = Math.floor((intendedUs - this.startUs) / WINDOW_US);
    bump(this.due, window);
    if (nowUs <= this.startUs + (window + 1) * WINDOW_US + WINDOW_GRACE_US) bump(this.inTime, window);
  }

  figures(): PaceFigures {
    const at = (percentile: number): number => (this.dispatched === 0 ? 0 : this.lag.getValueAtPercentile(percentile));
    let worst = 1;
    let worstSecond: number | undefined;
    this.due.forEach((due, second) => {
      if (due < MIN_WINDOW_ARRIVALS) return;
      const share = (this.inTime[second] ?? 0) / due;
      if (worstSecond === undefined || share < worst) {
        worst = share;
        worstSecond = second;
      }
    });
    return {
      dispatched: this.dispatched,
      sendLagP50Us: at(50),
      sendLagP90Us: at(90),
      sendLagP99Us: at(99),
      sendLagMaxUs: at(100),
      worstWindowRateShare: Math.round(worst * 10_000) / 10_000,
      ...(worstSecond !== undefined ? { worstWindowSecond: worstSecond } : {}),
    };
  }
}

function bump(counts: number[], index: number): void {
  while (counts.length <= index) counts.push(0);
  counts[index]!++;
}
