import type { GeneratorReport } from '../load/pace-figures.js';
import type { Stripe } from '../load/stripe.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ProgressSnapshot } from './progress.js';
export type { GeneratorReport };
import type { DeliveryResult, PipelineResult, ProcessStats, ShardHealth } from '../result/run-result.js';

/** What one load phase (webhook, websocket, ...) reports about its own pace, for the validity section. */
export interface PhaseOutcome {
  model: 'open' | 'closed';
  /** Sends dispatched by the generator. */
  dispatched: number;
  /** Every process that generated or paced this phase's load, for the validity rule (src/run/validity.ts). */
  generators: GeneratorReport[];
  askedRatePerSec?: number;
  achievedRatePerSec?: number;
  /** Child processes the phase ran (targets, shards): their CPU and memory. */
  processes: ProcessStats[];
  /** Problems that do not void the run but a reader must know. */
  warnings: string[];
  /** A delivery phase's per-transport ledgers and costs, for result.json. */
  delivery?: DeliveryResult;
  /** A pipeline shard's (N > 1) section of result.json: its per-event columns for merge. */
  pipeline?: PipelineResult;
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
  /** This shard's part of the plan (`--shard I/N`); stripe 0 of 1 for an unsharded run. */
  stripe: Stripe;
  /**
   * Called once targets and pools are up, right before the measured schedule: waits for the
   * common start (--start-at) and returns it (monotonic µs). The first call also makes it second 0.
   */
  waitForStart(signal?: AbortSignal): Promise<number>;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressSnapshot) => void;
}
