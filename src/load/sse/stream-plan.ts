import type { TlsConnectOptions } from '../../scenario/tls-schema.js';
import type { Template } from '../../template/template.js';

/** How each stream is requested: plain data (parsed templates included), sent to every shard over IPC. */
export interface SseRequestSpec {
  method: 'GET' | 'POST';
  headers: Record<string, Template>;
  query: Record<string, Template>;
  body?: Template;
  seed: number;
}

export interface SseReconnectSpec {
  enabled: boolean;
  resume: boolean;
  retryUs: number;
  maxAttempts?: number | undefined;
}

/** Events that carry a server timestamp (and a sequence number) in their data JSON. */
export interface SsePushPlan {
  /** The SSE event type an event must have. */
  event?: string | undefined;
  /** A subset the data JSON must contain. */
  match?: Record<string, unknown> | undefined;
  sentAtPath: string[];
  sentAtUnit: 'ms' | 'us';
  seqPath?: string[];
}

/** One client shard's streams: a contiguous range of the plan's stream numbers and its share of the rate. */
export interface SseStreamPlan {
  /** Stream c (global number) goes to targets[c % targets.length]. */
  targets: string[];
  firstConnection: number;
  connections: number;
  connectRatePerSec: number;
  maxConnectsInFlight: number;
  connectTimeoutMs: number;
  /** Source address for every stream of this shard (a 127.x address for loopback targets). */
  localAddress?: string;
  request: SseRequestSpec;
  /** https://: the scenario's `tls`, PEM text read at load (the shard gets the material, never a path). */
  tls?: TlsConnectOptions;
  reconnect: SseReconnectSpec;
  push?: SsePushPlan;
}

/** The built-in target stamps every event's data with its sequence and wall-clock send time in µs. */
export const BUILTIN_PUSH: SsePushPlan = { sentAtPath: ['sentAt'], sentAtUnit: 'us', seqPath: ['seq'] };
