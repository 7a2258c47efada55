import { startProcessMonitor } from '../metrics/process-monitor.js';
import { holdStopSignals } from '../process/stop-signals.js';
import { startBuiltinWsServer, type BuiltinWsServer, type WsServerOptions } from './ws-server.js';

/**
 * Child-process entry of one built-in ws server. Gets its options over IPC, listens on
 * 127.0.0.1:0, reports its port, then once a second its open connections and counter increments.
 * "start-broadcast" starts the broadcast schedule, "stop-broadcast" ends it; "stop" closes and sends back its final numbers. It exits when
 * the parent goes away (IPC disconnect); SIGINT and SIGTERM do not end it (holdStopSignals: the parent
 * decides how a run ends and asks for the numbers).
 */
export type WsServerParentMessage =
  | { type: 'start'; options: WsServerOptions }
  | { type: 'start-broadcast'; firstAtUs: number; count: number }
  | { type: 'stop-broadcast' }
  | { type: 'stop' };

const TICK_MS = 1_000;

process.on('disconnect', () => process.exit(0));
holdStopSignals();

const monitor = startProcessMonitor();
let server: BuiltinWsServer | undefined;
let ticker: NodeJS.Timeout | undefined;

process.on('message', (message: WsServerParentMessage) => {
  void handle(message).catch((error: unknown) => {
    process.send?.({ type: 'error', message: (error as Error).message });
  });
});

function tick(): void {
  if (server) process.send?.({ type: 'tick', open: server.openConnections(), counters: server.counters.takeDelta() });
}

async function handle(message: WsServerParentMessage): Promise<void> {
  if (message.type === 'start') {
    server = await startBuiltinWsServer(message.options);
    ticker = setInterval(tick, TICK_MS);
    process.send?.({ type: 'ready', port: server.port });
    return;
  }
  if (!server) return;
  if (message.type === 'start-broadcast') {
    server.startBroadcast(message.firstAtUs, message.count);
    process.send?.({ type: 'broadcast-started' });
    return;
  }
  if (message.type === 'stop-broadcast') {
    server.stopBroadcast();
    process.send?.({ type: 'broadcast-stopped', open: server.openConnections(), counters: server.counters.takeDelta() });
    return;
  }
  clearInterval(ticker);
  server.stopBroadcast();
  const usage = process.resourceUsage();
  // Stats first, teardown after: closing 15,000 connections must never delay or lose the numbers.
  process.send?.(
    {
      type: 'stats',
      counters: server.counters.takeDelta(),
      health: monitor.stop(),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssBytes: usage.maxRSS * 1024,
    },
    () => {
      server!.terminate();
      process.exit(0);
    },
  );
}
