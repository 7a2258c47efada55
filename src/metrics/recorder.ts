import { redactKnownSecrets } from '../template/secrets.js';
import { CauseBook, type Causes } from './causes.js';
import { nowUs } from './clock.js';
import { addEncodedInto, createHistogram, recordUs, summarizeHistogram, type Histogram, type MetricSummary } from './histogram.js';

/** One second of the run: counter increments in that second, p50 and p99 of each metric, last value of each gauge. */
export interface TimelinePoint {
  second: number;
  counts: Record<string, number>;
  p50Us: Record<string, number>;
  p99Us: Record<string, number>;
  gauges: Record<string, number>;
}

/** What a closed recorder hands over: the raw material of result.json. */
export interface RecorderOutput {
  metrics: Record<string, MetricSummary>;
  counters: Record<string, number>;
  timeline: TimelinePoint[];
  /** Per failure counter, its first few distinct causes with a count each (secrets redacted). */
  causes: Causes;
}

/** A fast handle for one latency metric, for hot paths that should not look the name up per sample. */
export interface MetricHandle {
  record(valueUs: number): void;
}

/** A fast handle for one counter. */
export interface CounterHandle {
  add(by?: number): void;
}

interface CounterState {
  total: number;
  thisSecond: number;
}

/**
 * A sample goes into both histograms. Adding `thisSecond` into `total` once a second instead would
 * save one record per sample (~30 ns), but the add walks all 23,552 buckets: milliseconds before
 * it is optimized, long enough to make a short run's timers late.
 */
interface MetricState {
  total: Histogram;
  thisSecond: Histogram;
}

const TICK_MS = 100;

/**
 * The sink every generator and target writes samples into (vegeta's add/close shape). It never
 * prints and never decides anything; `close()` turns what it holds into histograms, counters and a
 * per-second timeline. Samples land in the second in which they are recorded.
 */
export class Recorder {
  private readonly metrics = new Map<string, MetricState>();
  /** Samples reported live by child processes: the timeline and live outputs only, never close()'s totals. */
  private readonly liveMetrics = new Map<string, MetricState>();
  private readonly counters = new Map<string, CounterState>();
  private readonly gauges = new Map<string, number>();
  private readonly causes = new CauseBook();
  private readonly timeline: TimelinePoint[] = [];
  private currentSecond = 0;
  private readonly ticker: NodeJS.Timeout;
  private closed = false;
  private readonly secondListeners: Array<(point: TimelinePoint) => void> = [];

  private runStartUs: number;

  constructor(startUs: number = nowUs()) {
    this.runStartUs = startUs;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    this.tick();
  }

  metric(name: string): MetricHandle {
    const state = this.stateOf(name);
    return {
      record(valueUs: number): void {
        recordUs(state.total, valueUs);
        recordUs(state.thisSecond, valueUs);
      },
    };
  }

  record(name: string, valueUs: number): void {
    const state = this.stateOf(name);
    recordUs(state.total, valueUs);
    recordUs(state.thisSecond, valueUs);
  }

  count(name: string, by = 1): void {
    const state = this.counterState(name);
    state.total += by;
    state.thisSecond += by;
  }

  /**
   * Counts `by` in the timeline second that holds `atUs` (monotonic µs), not the second it is
   * recorded in: an open model's sends land in the second of their intended time, so per-second
   * counts equal the schedule's exactly however late the timer fires. A second already closed gets
   * the count added to its point; a time before second 0 counts in second 0.
   */
  countAt(name: string, atUs: number, by = 1): void {
    const state = this.counterState(name);
    state.total += by;
    const second = Math.max(0, Math.floor((atUs - this.runStartUs) / 1_000_000));
    if (second > this.currentSecond && !this.closed) this.tick(); // the 100 ms ticker has not rolled the second over yet
    const first = this.timeline[0]?.second ?? this.currentSecond;
    const point = second < this.currentSecond ? this.timeline[second - first] : undefined;
    if (point) point.counts[name] = (point.counts[name] ?? 0) + by;
    else state.thisSecond += by;
  }

  counterHandle(name: string): CounterHandle {
    const state = this.counterState(name);
    return {
      add(by = 1): void {
        state.total += by;
        state.thisSecond += by;
      },
    };
  }

  /** Notes why `by` failures counted in `counter` happened (its first few distinct causes are kept, see causes.ts). */
  cause(counter: string, cause: string, by = 1): void {
    this.causes.note(counter, cause, by);
  }

  /** Adds causes noted elsewhere (a child process, a shard). */
  addCauses(causes: Causes): void {
    this.causes.add(causes);
  }

  /** Sets a level (open connections, queue depth); the timeline keeps its last value each second and `<name>.peak` its highest. */
  gauge(name: string, value: number): void {
    this.gauges.set(name, value);
    const peak = this.counterState(`${name}.peak`);
    if (value > peak.total) peak.total = value;
  }

  /** Merges a histogram recorded elsewhere (a child process, a shard) into metric `name`. Exact. */
  addEncodedHistogram(name: string, base64: string): void {
    addEncodedInto(base64, [this.stateOf(name).total]);
  }

  /**
   * Samples a child process reports while the run goes on (its new samples since its last report):
   * they count in the second they arrive in and in the live outputs' histograms, not in close()'s
   * metrics, which get the child's whole histogram once, by addEncodedHistogram.
   */
  addLiveHistogram(name: string, base64: string): void {
    let state = this.liveMetrics.get(name);
    if (!state) {
      state = { total: createHistogram(), thisSecond: createHistogram() };
      this.liveMetrics.set(name, state);
    }
    addEncodedInto(base64, [state.total, state.thisSecond]);
  }

  /** Adds counters recorded elsewhere. */
  addCounters(counters: Record<string, number>): void {
    for (const [name, value] of Object.entries(counters)) this.counterState(name).total += value;
  }

  counter(name: string): number {
    return this.counters.get(name)?.total ?? 0;
  }

  /** Every counter recorded so far, with its total. */
  counterEntries(prefix = ''): Array<[string, number]> {
    return [...this.counters].filter(([name]) => name.startsWith(prefix)).map(([name, state]) => [name, state.total]);
  }

  /** Sum of every counter whose name starts with `prefix`. */
  counterPrefixSum(prefix: string): number {
    let sum = 0;
    for (const [name, state] of this.counters) if (name.startsWith(prefix)) sum += state.total;
    return sum;
  }

  /**
   * Calls `listener` with each second as it closes (live outputs). A listener must be quick and
   * must not throw: it runs on the recorder's tick. After restartAt() seconds count from 0 again.
   */
  onSecond(listener: (point: TimelinePoint) => void): void {
    this.secondListeners.push(listener);
  }

  /**
   * Every latency metric's histogram since the run started, as it stands now (live outputs read it;
   * never modify it). A metric measured in child processes is what they reported live until their
   * whole histograms are merged at the end.
   */
  histogramEntries(): Array<[string, Histogram]> {
    const entries: Array<[string, Histogram]> = [...this.metrics].map(([name, state]) => [name, state.total]);
    for (const [name, state] of this.liveMetrics) if (!this.metrics.has(name)) entries.push([name, state.total]);
    return entries;
  }

  /** Every gauge's latest value. */
  gaugeEntries(): Array<[string, number]> {
    return [...this.gauges];
  }

  /** The most recent complete second, for live progress lines. */
  lastSecond(): TimelinePoint | undefined {
    return this.timeline[this.timeline.length - 1];
  }

  /**
   * Restarts the run clock at now when nothing has been recorded yet (after a warm-up), so the
   * timeline's second 0 is the first measured second. Does nothing once samples exist.
   */
  restartIfEmpty(): void {
    for (const state of this.metrics.values()) if (state.total.totalCount > 0) return;
    for (const state of this.counters.values()) if (state.total !== 0) return;
    this.runStartUs = nowUs();
    this.timeline.length = 0;
    this.currentSecond = 0;
  }

  /**
   * Moves second 0 to `startUs` (monotonic µs; the measured schedule's start, e.g. a common
   * --start-at), so timelines of shards line up. Totals are kept; per-second points recorded
   * before are dropped (what counted in them lands in the first new second).
   */
  restartAt(startUs: number): void {
    this.runStartUs = startUs;
    this.timeline.length = 0;
    this.currentSecond = 0;
  }

  /** When the run's second 0 began (monotonic µs). */
  get startUs(): number {
    return this.runStartUs;
  }

  elapsedUs(): number {
    return nowUs() - this.startUs;
  }

  close(): RecorderOutput {
    if (!this.closed) {
      this.closed = true;
      clearInterval(this.ticker);
      this.tick();
      if (this.hasCountsThisSecond() || this.hasSamplesThisSecond()) this.finishSecond();
    }
    const metrics: Record<string, MetricSummary> = {};
    for (const name of [...this.metrics.keys()].sort()) metrics[name] = summarizeHistogram(this.metrics.get(name)!.total);
    const counters: Record<string, number> = {};
    for (const name of [...this.counters.keys()].sort()) counters[name] = this.counters.get(name)!.total;
    return { metrics, counters, timeline: this.timeline, causes: this.causes.toJSON(redactKnownSecrets) };
  }

  private stateOf(name: string): MetricState {
    let state = this.metrics.get(name);
    if (!state) {
      state = { total: createHistogram(), thisSecond: createHistogram() };
      this.metrics.set(name, state);
    }
    return state;
  }

  private counterState(name: string): CounterState {
    let state = this.counters.get(name);
    if (!state) {
      state = { total: 0, thisSecond: 0 };
      this.counters.set(name, state);
    }
    return state;
  }

  private hasCountsThisSecond(): boolean {
    for (const state of this.counters.values()) if (state.thisSecond !== 0) return true;
    return false;
  }

  private tick(): void {
    const second = Math.floor((nowUs() - this.startUs) / 1_000_000);
    while (this.currentSecond < second) this.finishSecond();
  }

  private hasSamplesThisSecond(): boolean {
    for (const state of [...this.metrics.values(), ...this.liveMetrics.values()]) if (state.thisSecond.totalCount > 0) return true;
    return false;
  }

  private finishSecond(): void {
    const point: TimelinePoint = { second: this.currentSecond, counts: {}, p50Us: {}, p99Us: {}, gauges: {} };
    for (const [name, state] of this.counters) {
      if (state.thisSecond !== 0) {
        point.counts[name] = state.thisSecond;
        state.thisSecond = 0;
      }
    }
    for (const [name, state] of [...this.metrics, ...this.liveMetrics]) {
      if (state.thisSecond.totalCount === 0) continue;
      // A name measured both here and in a child keeps this process's own samples for the second.
      if (point.p99Us[name] === undefined) {
        point.p50Us[name] = state.thisSecond.getValueAtPercentile(50);
        point.p99Us[name] = state.thisSecond.getValueAtPercentile(99);
      }
      state.thisSecond.reset();
    }
    for (const [name, value] of this.gauges) point.gauges[name] = value;
    this.timeline.push(point);
    this.currentSecond++;
    for (const listener of this.secondListeners) listener(point);
  }
}
