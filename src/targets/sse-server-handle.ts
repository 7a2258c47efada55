import { forwardTicks, type TickMessage } from '../load/websocket/tick-message.js';
import { ChildLink } from '../process/child-link.js';
import { childEntry } from '../process/child-process.js';
import type { SseServerOptions } from './sse-server.js';
import type { WsServerCountersMessage, WsServerStats } from './ws-server-handle.js';

const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 30_000;

/** One built-in SSE server process (127.0.0.1, its own port), driven by the sse phase. */
export interface SseServerProcess {
  link: ChildLink;
  url: string;
  /** Broadcasts k = 0 .. count-1 at firstAtUs + k x every; with cutAtUs, every stream is ended then (the fault `dropAt`). */
  startBroadcast(firstAtUs: number, count: number, cutAtUs?: number): Promise<void>;
  stopBroadcast(): Promise<WsServerCountersMessage>;
  stop(): Promise<WsServerStats>;
}

export async function startSseServerProcess(role: string, options: SseServerOptions, onTick: (tick: TickMessage) => void): Promise<SseServerProcess> {
  const link = new ChildLink(role, childEntry('targets/sse-server-process'), forwardTicks(onTick));
  let port: number;
  try {
    port = (await link.request<{ type: 'ready'; port: number }>({ type: 'start', options }, 'ready', START_TIMEOUT_MS)).port;
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    link,
    url: `http://127.0.0.1:${port}/events`,
    startBroadcast: async (firstAtUs, count, cutAtUs) => {
      await link.request({ type: 'start-broadcast', firstAtUs, count, ...(cutAtUs !== undefined ? { cutAtUs } : {}) }, 'broadcast-started', REQUEST_TIMEOUT_MS);
    },
    stopBroadcast: () => link.request<WsServerCountersMessage>({ type: 'stop-broadcast' }, 'broadcast-stopped', REQUEST_TIMEOUT_MS),
    stop: () => link.finish<WsServerStats>({ type: 'stop' }, 'stats', STOP_TIMEOUT_MS),
  };
}
