import { childEntry } from '../../process/child-process.js';
import { ChildLink } from '../../process/child-link.js';
import { forwardTicks, type TickMessage } from './tick-message.js';
import type { ShardRamped, ShardResult, ShardStart } from './shard-messages.js';

const LOAD_TIMEOUT_MS = 20_000;
/** Draining (at most 3 s), a full GC and encoding histograms, on a busy machine; teardown comes after the result. */
const FINISH_TIMEOUT_MS = 60_000;

/** One client shard process, driven by the websocket phase. */
export interface ShardProcess {
  link: ChildLink;
  /** Starts connecting; resolves when every connection of the shard has opened or failed. */
  start(shard: ShardStart, rampTimeoutMs: number): Promise<ShardRamped>;
  /** Drains and returns the shard's numbers; then the shard terminates its connections and exits by itself (`link.ended()`). */
  finish(): Promise<ShardResult>;
  /** Triggered broadcasts: broadcast k is triggered at firstAtUs + k x everyUs; the shard matches and times them. */
  scheduleBroadcasts(firstAtUs: number, everyUs: number, count: number): Promise<void>;
}

/** Forks a shard and waits until it has loaded, so that shards started together ramp together. */
export async function startShardProcess(role: string, onTick: (tick: TickMessage) => void): Promise<ShardProcess> {
  const link = new ChildLink(role, childEntry('load/websocket/client-shard-process'), forwardTicks(onTick));
  try {
    await link.request({ type: 'hello' }, 'loaded', LOAD_TIMEOUT_MS);
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    link,
    start: (shard, rampTimeoutMs) => link.request<ShardRamped>({ type: 'start', shard }, 'ramped', rampTimeoutMs),
    finish: () => link.lastRequest<ShardResult>({ type: 'finish' }, 'result', FINISH_TIMEOUT_MS),
    scheduleBroadcasts: async (firstAtUs, everyUs, count) => {
      await link.request({ type: 'broadcast-schedule', firstAtUs, everyUs, count }, 'broadcast-scheduled', LOAD_TIMEOUT_MS);
    },
  };
}
