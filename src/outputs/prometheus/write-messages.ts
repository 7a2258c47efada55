import type { WriteOptions } from './remote-write-client.js';
import type { SeriesSnapshot } from './series.js';

/** What the remote-write worker thread is started with (its workerData). */
export interface WriteWorkerSettings {
  /** The endpoint, credentials included: they stay in the worker's memory and never go into a message. */
  url: string;
  /** The labels on every series: the user's, `testid`, `scenario`, `shard`. */
  labels: Record<string, string>;
}

/** Generator thread -> worker: one write of every series. */
export interface WriteMessage {
  type: 'write';
  id: number;
  /** The last write, after the run: a write still under way is abandoned for it. */
  final: boolean;
  /** The samples' timestamp, taken with the snapshot. */
  timestampMs: number;
  options: WriteOptions;
  snapshot: SeriesSnapshot;
}

/** Worker -> generator thread: its modules are loaded and its encoder warmed up; writes cost no loading now. */
export interface ReadyMessage {
  type: 'ready';
}

/** Worker -> generator thread: how one write ended after its retries. */
export interface OutcomeMessage {
  type: 'outcome';
  id: number;
  ok: boolean;
  problem?: string;
  /** Abandoned for the final write, which carries everything it had: neither a write nor a failure. */
  superseded?: true;
}
