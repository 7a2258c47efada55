import { childEntry } from '../../process/child-process.js';
import { ChildLink } from '../../process/child-link.js';
import { forwardTicks, type TickMessage } from '../websocket/tick-message.js';
import type { SseShardRamped, SseShardResult } from './shard-messages.js';
import type { SseStreamPlan } from './stream-plan.js';

const LOAD_TIMEOUT_MS = 20_000;
/** Draining (reopens and events in flight), a full GC and encoding histograms, on a busy machine. */
const FINISH_TIMEOUT_MS = 60_000;

/** One SSE client shard process, driven by the sse phase. */
export interface SseShardProcess {
  link: ChildLink;
  /** Starts opening streams; resolves when every first open of the shard has succeeded or failed. */
  start(plan: SseStreamPlan, rampTimeoutMs: number): Promise<SseShardRamped>;
  /** Drains and returns the shard's numbers; then the shard destroys its streams and exits by itself (`link.ended()`). */
  finish(): Promise<SseShardResult>;
}

/** Forks a shard and waits until it has loaded, so that shards started together ramp together. */
export async function startSseShardProcess(role: string, onTick: (tick: TickMessage) => void): Promise<SseShardProcess> {
  const link = new ChildLink(role, childEntry('load/sse/client-shard-process'), forwardTicks(onTick));
  try {
    await link.request({ type: 'hello' }, 'loaded', LOAD_TIMEOUT_MS);
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    link,
    start: (plan, rampTimeoutMs) => link.request<SseShardRamped>({ type: 'start', plan }, 'ramped', rampTimeoutMs),
    finish: () => link.lastRequest<SseShardResult>({ type: 'finish' }, 'result', FINISH_TIMEOUT_MS),
  };
}
