/**
 * The plain-Node SSE baseline for bench/sse.ts: the least a Node client spends per stream.
 * `server` listens on 127.0.0.1:0 (node:http, text/event-stream, one comment to send the headers)
 * and prints its port (bench/sse.ts points the clients at the built-in SSE servers instead, so
 * only the client differs); `client <url> <count> [localAddress]` opens `count` streams with node:http
 * GET (agent: false, one socket each, as pushbench's shards) and eventsource-parser on each, as
 * fast as it can (at most 1,000 opening at once), then prints one JSON line: streams opened,
 * seconds, opens/s, RSS growth per stream after a full GC, CPU. Both exit when their stdin closes.
 */
import http from 'node:http';
import { createParser } from 'eventsource-parser';

const MAX_IN_FLIGHT = 1_000;
const [mode, url, countText, localAddress] = process.argv.slice(2);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

if (mode === 'server') {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(':\n\n');
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4_096 }, () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
} else {
  const count = Number(countText);
  const target = new URL(url!);
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  collect();
  const baselineRss = process.memoryUsage.rss();
  const startMs = Date.now();
  const held: http.IncomingMessage[] = [];
  let started = 0;
  let settled = 0;
  let opened = 0;
  let events = 0;
  const settle = (): void => {
    settled++;
    if (settled === count) {
      const seconds = (Date.now() - startMs) / 1000;
      collect();
      const bytesPerConnection = (process.memoryUsage.rss() - baselineRss) / Math.max(opened, 1);
      const cpu = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ opened, seconds, connectsPerSec: opened / seconds, bytesPerConnection, userCpuMs: cpu.user / 1000, systemCpuMs: cpu.system / 1000, events })}\n`);
    } else pump();
  };
  const pump = (): void => {
    while (started < count && started - settled < MAX_IN_FLIGHT) {
      started++;
      const request = http.get({ hostname: target.hostname, port: target.port, path: target.pathname, agent: false, headers: { accept: 'text/event-stream' }, ...(localAddress ? { localAddress } : {}) });
      request.on('response', (response) => {
        const parser = createParser({ onEvent: () => void events++ });
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        held.push(response);
        opened++;
        settle();
      });
      request.on('error', settle);
    }
  };
  pump();
}
