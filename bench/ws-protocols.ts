/**
 * Benchmark of the WebSocket protocol adapters at scale (issue 10), rerunnable:
 *   npm run bench:ws:protocols   (or: npx tsx bench/ws-protocols.ts [--connections 20000] [--hold 30s] [--rate 1])
 *
 * The same conversation shape through both adapters, one after the other (never side by side):
 * - socketio: --connections to a real Socket.IO 4 server (bench/socketio-server.mjs, a cluster of 2
 *   processes on one port), each joining /bench and sending `ask` with an ack --rate times a second.
 * - raw: --connections to the built-in ws server, each sending a JSON request --rate times a second,
 *   its echo correlated by id.
 * Prints connect rate, handshake and request percentiles, requests answered, client KB per held
 * connection and client CPU per request for each: the client shards' CPU time over the whole run
 * divided by the requests sent (connects count in it too, so compare adapters at the same size). Runs from dist/ (npm run build first). Only 127.0.0.1 is loaded.
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../src/index.js';

const root = resolve(import.meta.dirname, '..');
const { parseScenarioBytes, runScenario } = (await import(resolve(root, 'dist/index.js'))) as typeof import('../src/index.js');
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '20000' },
    hold: { type: 'string', default: '30s' },
    rate: { type: 'string', default: '1' },
    'connect-rate': { type: 'string', default: '2000' },
  },
});
const PORT = 39_517;

async function withSocketIoServer<T>(body: () => Promise<T>): Promise<T> {
  const server = fork(resolve(root, 'bench/socketio-server.mjs'), [], { env: { ...process.env, PORT: String(PORT) }, stdio: 'inherit' });
  await new Promise<void>((resolveReady, reject) => {
    server.once('message', () => resolveReady());
    server.once('exit', (code) => reject(new Error(`socket.io server exited (${code})`)));
  });
  try {
    return await body();
  } finally {
    server.kill('SIGTERM');
  }
}

function scenario(protocol: 'socketio' | 'raw'): string {
  const common = `  connections: ${values.connections}\n  connectRate: ${values['connect-rate']}\n  connectTimeout: 30s\n  hold: ${values.hold}\n`;
  return protocol === 'socketio'
    ? `name: bench-socketio\nwebsocket:\n  target: ws://127.0.0.1:${PORT}\n  protocol: socketio\n  namespace: /bench\n${common}  request: { rate: ${values.rate}, emit: { event: ask, data: { q: "{{requestId}}" }, ack: true }, timeout: 10s }\n`
    : `name: bench-raw\nwebsocket:\n  target: builtin\n  protocol: raw\n${common}  onOpen: [ { send: { hello: bench, conn: "{{conn}}" } }, { expect: { match: { hello: bench }, timeout: 10s } } ]\n  request: { rate: ${values.rate}, send: { id: "{{requestId}}" }, correlate: id, timeout: 10s }\n`;
}

function row(name: string, result: RunResult): string {
  const m = result.metrics;
  const c = result.counters;
  const ms = (us: number | undefined): string => (us === undefined ? '-' : `${(us / 1000).toFixed(1)}ms`);
  const kb = result.validity.clientBytesPerConnection === undefined ? '-' : `${(result.validity.clientBytesPerConnection / 1024).toFixed(2)} KB`;
  const cpuUs = clientCpuPerRequestUs(result);
  return [
    name.padEnd(9),
    String(c['ws.connections.opened'] ?? 0).padStart(7),
    String(c['ws.connections.peak'] ?? 0).padStart(7),
    `${(result.validity.connectRatePerSec ?? 0).toFixed(0)}/s`.padStart(8),
    ms(m['ws.handshake']?.p99).padStart(9),
    `${c['ws.requests.answered'] ?? 0}/${c['ws.requests.sent'] ?? 0}`.padStart(15),
    ms(m['ws.request']?.p50).padStart(8),
    ms(m['ws.request']?.p99).padStart(8),
    kb.padStart(9),
    (cpuUs === undefined ? '-' : `${cpuUs.toFixed(0)} µs`).padStart(11),
    result.validity.ok ? 'valid' : `INVALID: ${result.validity.reasons.join('; ')}`,
  ].join('  ');
}

/** CPU of the client shard processes (ramp and hold) per request sent, in µs. */
function clientCpuPerRequestUs(result: RunResult): number | undefined {
  const sent = result.counters['ws.requests.sent'] ?? 0;
  const clients = (result.validity.shards ?? []).filter((shard) => shard.role.startsWith('ws-client'));
  if (sent === 0 || clients.length === 0) return undefined;
  return (clients.reduce((sum, shard) => sum + shard.cpuMs, 0) * 1000) / sent;
}

const results: Array<[string, RunResult]> = [];
for (const protocol of ['socketio', 'raw'] as const) {
  process.stderr.write(`\n== ${protocol}: ${values.connections} connections, ${values.rate} request/s each, hold ${values.hold}\n`);
  const loaded = parseScenarioBytes(Buffer.from(scenario(protocol)), `bench-${protocol}.yaml`);
  const run = (): Promise<RunResult> => runScenario(loaded);
  results.push([protocol, protocol === 'socketio' ? await withSocketIoServer(run) : await run()]);
}
console.log(`\nws-protocols ${new Date().toISOString().slice(0, 10)}  (${values.connections} connections, ${values.rate} req/s each, hold ${values.hold}; 2 cores shared with the target)`);
console.log(['adapter'.padEnd(9), 'opened'.padStart(7), 'peak'.padStart(7), 'connect'.padStart(8), 'hs p99'.padStart(9), 'answered/sent'.padStart(15), 'req p50'.padStart(8), 'req p99'.padStart(8), 'client/conn'.padStart(9), 'client CPU/req'.padStart(11), 'validity'].join('  '));
for (const [name, result] of results) console.log(row(name, result));
