import type { Recorder } from '../metrics/recorder.js';
import type { ProgressSnapshot } from './progress.js';
import type { DeliveryResult, ProcessStats, ShardHealth } from '../result/run-result.js';

/** What one load phase (webhook, websocket, ...) reports about its own pace, for the validity section. */
export interface PhaseOutcome {
  model: 'open' | 'closed';
  /** Sends dispatched by the generator. */
  dispatched: number;
  /** Sends that started more than 1 ms after their intended time. */
  lateSends: number;
  askedRatePerSec?: number;
  achievedRatePerSec?: number;
  /** Child processes the phase ran (targets, shards): their CPU and memory. */
  processes: ProcessStats[];
  /** Problems that do not void the run but a reader must know. */
  warnings: string[];
  /** A delivery phase's per-transport ledgers and costs, for result.json. */
  delivery?: DeliveryResult;
  /** Problems that void the run (a shard crashed, a client shard's event loop stalled). */
  reasons?: string[];
  /** WebSocket phase: health of every shard and server process. */
  shards?: ShardHealth[];
  /** WebSocket phase: client RSS growth per held connection (bytes). */
  clientBytesPerConnection?: number;
  /** WebSocket phase: connections opened per second of the ramp. */
  connectRatePerSec?: number;
}

export interface PhaseContext {
  recorder: Recorder;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressSnapshot) => void;
}
