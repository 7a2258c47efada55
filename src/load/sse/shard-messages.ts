import type { Causes } from '../../metrics/causes.js';
import type { ProcessHealth } from '../../metrics/process-monitor.js';
import type { SseStreamPlan } from './stream-plan.js';

export interface SseShardRamped {
  type: 'ramped';
  open: number;
  /** Streams opened during the ramp (some may have dropped since). */
  opened: number;
}

/** An SSE client shard's final report: counter increments since its last tick, encoded histograms, health. */
export interface SseShardResult {
  type: 'result';
  counters: Record<string, number>;
  /** Per failure counter (sse.connections.failed.*, sse.reconnects.failed.*), its first few distinct causes. */
  causes: Causes;
  /** HdrHistogram V2 base64 per metric name (sse.connect, sse.firstEvent, sse.push, sse.reconnect). */
  histograms: Record<string, string>;
  /** Streams open when the hold ended, and the shard's RSS then. */
  heldConnections: number;
  heldRssBytes: number;
  /** RSS before the first stream. */
  baselineRssBytes: number;
  health: ProcessHealth;
  cpuMs: number;
  maxRssBytes: number;
}

export type SseShardParentMessage = { type: 'hello' } | { type: 'start'; plan: SseStreamPlan } | { type: 'finish' };
