import { forwardTicks, type TickMessage } from '../load/websocket/tick-message.js';
import { ChildLink } from '../process/child-link.js';
import type { ProcessHealth } from '../metrics/process-monitor.js';
import { childEntry } from '../process/child-process.js';
import type { WsServerOptions } from './ws-server.js';

export interface WsServerStats {
  type: 'stats';
  counters: Record<string, number>;
  health: ProcessHealth;
  cpuMs: number;
  maxRssBytes: number;
}

export interface WsServerCountersMessage {
  type: 'broadcast-stopped';
  open: number;
  counters: Record<string, number>;
}

const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Closing thousands of connections takes a while on a busy machine. */
const STOP_TIMEOUT_MS = 30_000;

/** One built-in ws server process (127.0.0.1, its own port), driven by the websocket phase. */
export interface WsServerProcess {
  link: ChildLink;
  url: string;
  /** Sends broadcasts k = 0 .. count-1 at firstAtUs + k x every (the same instants in every server process). */
  startBroadcast(firstAtUs: number, count: number): Promise<void>;
  stopBroadcast(): Promise<WsServerCountersMessage>;
  stop(): Promise<WsServerStats>;
}

export async function startWsServerProcess(role: string, options: WsServerOptions, onTick: (tick: TickMessage) => void): Promise<WsServerProcess> {
  const link = new ChildLink(role, childEntry('targets/ws-server-process'), forwardTicks(onTick));
  let port: number;
  try {
    port = (await link.request<{ type: 'ready'; port: number }>({ type: 'start', options }, 'ready', START_TIMEOUT_MS)).port;
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    link,
    url: `ws://127.0.0.1:${port}/`,
    startBroadcast: async (firstAtUs, count) => {
      await link.request<{ type: 'broadcast-started' }>({ type: 'start-broadcast', firstAtUs, count }, 'broadcast-started', REQUEST_TIMEOUT_MS);
    },
    stopBroadcast: () => link.request<WsServerCountersMessage>({ type: 'stop-broadcast' }, 'broadcast-stopped', REQUEST_TIMEOUT_MS),
    stop: () => link.finish<WsServerStats>({ type: 'stop' }, 'stats', STOP_TIMEOUT_MS),
  };
}
