import { readFileSync } from 'node:fs';
import type { SwarmOptions } from './swarm.js';

/**
 * Most connections one process holds, client shard or built-in server: each is a file descriptor
 * and the hard limit here is 20,000 per process. PUSHBENCH_WS_PER_PROCESS lowers it (tests use it
 * to run several shards with few connections).
 */
export const MAX_CONNECTIONS_PER_PROCESS = 15_000;
/**
 * Most connections one source address should make to one destination (connect) or hold at all
 * (bind to a source address first). The kernel picks a local port from one parity of the ephemeral
 * range first and scans all of that half before it tries the other, so once ~half the range is
 * taken every further connect scans ~14k ports (range 32768-60999 here): bench:ws at 500k ran at
 * 6,000/s up to 480k (34 server ports x 14.1k), then at ~220/s with the load average at 50.
 * 85% of half the range, read from the kernel (12,000 where it cannot be read).
 */
export function connectionsPerLocalAddress(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && high! > low!) return Math.max(1_000, Math.floor(((high! - low! + 1) / 2) * 0.85));
  } catch {
    // not Linux: keep the default
  }
  return 12_000;
}
/**
 * Connects in flight per shard: this many seconds of its connect rate (bounded below and above).
 * 0.25 s let 1,000 upgrades complete in one poll phase on a busy box: client event loops stalled
 * 200-800 ms and the rate fell (bench:ws at 100k: 5,122/s at 0.25 s, 6,080/s and no stall at 0.05 s).
 */
const CONNECT_WINDOW_SEC = 0.05;
const MIN_CONNECTS_IN_FLIGHT = 16;
const MAX_CONNECTS_IN_FLIGHT = 1_000;

export function connectionsPerProcess(): number {
  const fromEnv = Number(process.env.PUSHBENCH_WS_PER_PROCESS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.min(fromEnv, MAX_CONNECTIONS_PER_PROCESS) : MAX_CONNECTIONS_PER_PROCESS;
}

export function processCount(connections: number, perProcess: number): number {
  return Math.max(1, Math.ceil(connections / perProcess));
}

/**
 * Built-in server processes for `connections`: each listens on its own port, and every client
 * connects from 127.0.0.1, so one port takes no more than one source address should make to it.
 */
export function serverProcessCount(connections: number, perProcess: number, perLocalAddress: number): number {
  return processCount(connections, Math.min(perProcess, perLocalAddress));
}

export interface SwarmPlanInput {
  targets: string[];
  connections: number;
  /** Number of the first connection in the whole plan (a `--shard` holds a range of it). */
  firstConnection?: number;
  connectRatePerSec: number;
  connectTimeoutMs: number;
  /** Loopback targets only: spread shards over source addresses 127.0.0.2, 127.0.0.3, ... when one target gets more connections than one address can hold. */
  loopback: boolean;
  /** connectionsPerLocalAddress() of this machine. */
  perLocalAddress: number;
}

/**
 * Splits the connections into equal contiguous ranges, one per shard, each with its share of the
 * connect rate, and — when one target gets more than one source address should make to it (100k
 * connections to one URL) — its own source address.
 */
export function planShards(input: SwarmPlanInput, perProcess: number): SwarmOptions[] {
  const { perLocalAddress } = input;
  const spreadSources = input.loopback && input.connections / input.targets.length > perLocalAddress;
  // A shard bound to its own source address holds no more than that address should.
  const count = processCount(input.connections, spreadSources ? Math.min(perProcess, perLocalAddress) : perProcess);
  const plans: SwarmOptions[] = [];
  let first = input.firstConnection ?? 0;
  for (let index = 0; index < count; index++) {
    const connections = Math.floor(input.connections / count) + (index < input.connections % count ? 1 : 0);
    const connectRatePerSec = (input.connectRatePerSec * connections) / input.connections;
    plans.push({
      targets: input.targets,
      firstConnection: first,
      connections,
      connectRatePerSec,
      maxConnectsInFlight: Math.min(MAX_CONNECTS_IN_FLIGHT, Math.max(MIN_CONNECTS_IN_FLIGHT, Math.ceil(connectRatePerSec * CONNECT_WINDOW_SEC))),
      connectTimeoutMs: input.connectTimeoutMs,
      ...(spreadSources ? { localAddress: sourceAddress(index) } : {}),
    });
    first += connections;
  }
  return plans;
}

/** 127.0.0.2, 127.0.0.3, ... 127.0.0.251, 127.0.1.2, ...: never 127.0.0.1, which the servers listen on. */
export function sourceAddress(shardIndex: number): string {
  return `127.0.${Math.floor(shardIndex / 250)}.${2 + (shardIndex % 250)}`;
}

/** True for a ws:// URL whose host is a 127.x.y.z literal, where any 127 source address reaches it. */
export function isLoopbackLiteral(url: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(new URL(url).hostname);
}
