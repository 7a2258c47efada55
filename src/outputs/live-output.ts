import type { Recorder } from '../metrics/recorder.js';
import type { TimelinePoint } from '../metrics/recorder.js';

/** The run's live levels, as its progress line shows them once a second (the run's ProgressSnapshot fits). */
export interface LiveLevels {
  /** Which part of the run (a delivery transport), when it has several. */
  label?: string;
  elapsedUs: number;
  totalUs: number;
  sentPerSec: number;
  /** Delivery runs: pairs delivered in the last second. */
  deliveredPerSec?: number;
  p99Us: number | undefined;
  errors: number;
  inFlight: number;
  openConnections: number;
  serverConnections?: number;
}

/** What an output reads while the run goes on. */
export interface LiveSource {
  recorder: Recorder;
  /** The latest live levels; undefined before the first. */
  levels(): LiveLevels | undefined;
}

/** Who the series belong to: one id per run, shared by all shards of a run. */
export interface RunIdentity {
  testid: string;
  scenario: string;
  /** The shard index (`--shard I/N`), 0 when unsharded. */
  shard: number;
}

/**
 * A live sink fed once a second by the recorder (Prometheus remote write, the live dashboard).
 * The run never waits on one: `onSecond` returns at once and slow work goes on in the background;
 * only `finish` is awaited, after the recorder closed, and it bounds its own time.
 */
export interface LiveOutput {
  readonly name: string;
  start(source: LiveSource, identity: RunIdentity): void;
  /** Resolves when its own start-up work is done (a thread loaded); the measured schedule starts after it. */
  ready?(): Promise<void>;
  onSecond(point: TimelinePoint): void;
  /** After the recorder closed: the last write, equal to result.json. */
  finish(): Promise<void>;
  /** Counters for result.json (`output.<name>.<what>`). */
  counters(): Record<string, number>;
  /** Warnings for the validity section. */
  warnings(): string[];
}
