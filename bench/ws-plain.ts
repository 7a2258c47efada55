/**
 * The plain-`ws` baseline for bench/ws-connections.ts: the least a Node client can spend per
 * connection. `server` listens on 127.0.0.1:0 and prints its port; `client <url> <count>
 * [localAddress]` opens `count` connections as fast as it can (at most 1,000 connecting at once),
 * then prints one JSON line: connections opened, seconds, connects/s and RSS growth per connection.
 * Both exit when their stdin closes.
 */
import { WebSocket, WebSocketServer } from 'ws';

const MAX_IN_FLIGHT = 1_000;
const [mode, url, countText, localAddress] = process.argv.slice(2);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

if (mode === 'server') {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4_096, perMessageDeflate: false });
  server.on('listening', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
} else {
  const count = Number(countText);
  const sockets: WebSocket[] = [];
  // With --expose-gc, RSS is measured after a full collection, as pushbench's shards measure it.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  collect();
  const baselineRss = process.memoryUsage.rss();
  const startMs = Date.now();
  let started = 0;
  let settled = 0;
  let opened = 0;
  const settle = (): void => {
    settled++;
    if (settled === count) {
      const seconds = (Date.now() - startMs) / 1000;
      collect();
      const bytesPerConnection = (process.memoryUsage.rss() - baselineRss) / opened;
      const cpu = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ opened, seconds, connectsPerSec: opened / seconds, bytesPerConnection, userCpuMs: cpu.user / 1000, systemCpuMs: cpu.system / 1000 })}\n`);
    } else pump();
  };
  const pump = (): void => {
    while (started < count && started - settled < MAX_IN_FLIGHT) {
      started++;
      const socket = new WebSocket(url!, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
      socket.on('open', () => {
        opened++;
        sockets.push(socket);
        settle();
      });
      socket.on('error', settle);
    }
  };
  pump();
}
