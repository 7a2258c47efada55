import type { Causes } from '../../metrics/causes.js';
import type { ProcessHealth } from '../../metrics/process-monitor.js';
import type { EchoOptions } from './echo-ticker.js';
import type { SwarmOptions } from './swarm.js';

/** What the parent tells one client shard to do. */
export interface ShardStart {
  swarm: SwarmOptions;
  echo?: EchoOptions;
}

export interface ShardRamped {
  type: 'ramped';
  open: number;
  /** Connections opened during the ramp (some may have dropped since). */
  opened: number;
}

/** A client shard's final report: counter increments since its last tick, encoded histograms, health. */
export interface ShardResult {
  type: 'result';
  counters: Record<string, number>;
  /** HdrHistogram V2 base64 per metric name (ws.connect, ws.echo, ws.broadcast). */
  histograms: Record<string, string>;
  /** Per failure counter, its first few distinct causes. */
  causes?: Causes;
  /** [broadcast sequence, latest arrival in this shard in µs] pairs. */
  broadcastLastUs: Array<[number, number]>;
  /** Connections open when the hold ended, and the shard's RSS then. */
  heldConnections: number;
  heldRssBytes: number;
  /** RSS before the first connection. */
  baselineRssBytes: number;
  health: ProcessHealth;
  cpuMs: number;
  maxRssBytes: number;
}
