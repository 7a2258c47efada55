import { startProcessMonitor } from '../metrics/process-monitor.js';
import { startBuiltinSseServer, type BuiltinSseServer, type SseServerOptions } from './sse-server.js';

/**
 * Child-process entry of one built-in SSE server (the ws server's lifecycle): options over IPC,
 * listens on 127.0.0.1:0, reports its port, then once a second its open streams and counter
 * increments. "start-broadcast" starts the schedule (and the cut, if any), "stop-broadcast" ends
 * it, "stop" sends back the final numbers and exits. It exits when the parent goes away and
 * ignores SIGINT (the parent decides how a run ends).
 */
export type SseServerParentMessage =
  | { type: 'start'; options: SseServerOptions }
  | { type: 'start-broadcast'; firstAtUs: number; count: number; cutAtUs?: number }
  | { type: 'stop-broadcast' }
  | { type: 'stop' };

const TICK_MS = 1_000;

process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});

const monitor = startProcessMonitor();
let server: BuiltinSseServer | undefined;
let ticker: NodeJS.Timeout | undefined;

process.on('message', (message: SseServerParentMessage) => {
  void handle(message).catch((error: unknown) => {
    process.send?.({ type: 'error', message: (error as Error).message });
  });
});

function tick(): void {
  if (server) process.send?.({ type: 'tick', open: server.openStreams(), counters: server.counters.takeDelta() });
}

async function handle(message: SseServerParentMessage): Promise<void> {
  if (message.type === 'start') {
    server = await startBuiltinSseServer(message.options);
    ticker = setInterval(tick, TICK_MS);
    process.send?.({ type: 'ready', port: server.port });
    return;
  }
  if (!server) return;
  if (message.type === 'start-broadcast') {
    server.startBroadcast(message.firstAtUs, message.count);
    if (message.cutAtUs !== undefined) server.cutAt(message.cutAtUs);
    process.send?.({ type: 'broadcast-started' });
    return;
  }
  if (message.type === 'stop-broadcast') {
    server.stopBroadcast();
    process.send?.({ type: 'broadcast-stopped', open: server.openStreams(), counters: server.counters.takeDelta() });
    return;
  }
  clearInterval(ticker);
  server.stopBroadcast();
  const usage = process.resourceUsage();
  process.send?.(
    { type: 'stats', counters: server.counters.takeDelta(), health: monitor.stop(), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssBytes: usage.maxRSS * 1024 },
    () => {
      server!.terminate();
      process.exit(0);
    },
  );
}
