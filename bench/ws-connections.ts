/**
 * Benchmark for issue 3's performance targets, rerunnable:
 *   npm run bench:ws        (or: npx tsx bench/ws-connections.ts [--connections 100000] [--hold 60s]
 *                            [--messages] [--broadcast-connections 20000] [--broadcast-hold 20s] [--baseline 15000])
 *
 * 1. scenarios/ws-connections.yaml (100k connections at 5,000/s) with --connections and --hold
 *    applied: peak concurrent connections, dropped, connect rate during the ramp and connect p99,
 *    client RSS per held connection. Its echo and broadcast only with --messages: at 100k they are
 *    300k frames/s each way, more than 2 cores carry (see the README, WebSocket scenarios).
 * 2. Broadcast to --broadcast-connections once a second (no echo): p99 time to the last recipient.
 * 3. Baseline: one plain `ws` client process opening --baseline connections to one plain `ws` server
 *    (bench/ws-plain.ts), RSS growth per connection measured the same way (after a full GC).
 *
 * Runs from dist/ (npm run build first; bench:ws does), so the shards are plain JavaScript. Every
 * process is a child of this script and ends with it. Only 127.0.0.1 is loaded.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import type { RunResult } from '../src/index.js';

const root = resolve(import.meta.dirname, '..');
// The built API, so shards and servers run as plain JavaScript (types from the sources it was built from).
const { parseScenarioBytes, runScenario } = (await import(resolve(root, 'dist/index.js'))) as typeof import('../src/index.js');
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '100000' },
    hold: { type: 'string', default: '60s' },
    'broadcast-connections': { type: 'string', default: '20000' },
    'broadcast-hold': { type: 'string', default: '20s' },
    baseline: { type: 'string', default: '15000' },
    messages: { type: 'boolean', default: false },
  },
});

const kb = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 1024).toFixed(2)} KB`);
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (us: number | undefined): string => (us === undefined ? '-' : `${(us / 1000).toFixed(1)} ms`);
const sumOf = (counters: Record<string, number>, prefix: string): number =>
  Object.entries(counters).reduce((sum, [name, value]) => (name.startsWith(prefix) ? sum + value : sum), 0);

async function runWs(name: string, websocket: Record<string, unknown>): Promise<RunResult> {
  const yaml = stringify({ name, websocket });
  process.stderr.write(`\n== ${name}\n${yaml}`);
  let lastLine = 0;
  return runScenario(parseScenarioBytes(Buffer.from(yaml), `${name}.yaml`), {
    onProgress: (progress) => {
      const second = Math.floor(progress.elapsedUs / 1e6);
      if (second >= lastLine + 5) {
        lastLine = second;
        process.stderr.write(`  ${second}s  client ${progress.openConnections}  server ${progress.serverConnections ?? '-'}  connecting ${progress.inFlight}  errors ${progress.errors}\n`);
      }
    },
  });
}

function report(result: RunResult): void {
  const { counters, metrics, validity } = result;
  const clientRss = (validity.shards ?? []).filter((shard) => shard.role.startsWith('ws-client-'));
  const serverRss = (validity.shards ?? []).filter((shard) => shard.role.startsWith('ws-server-'));
  const lines = [
    `peak concurrent connections   client ${counters['ws.connections.peak'] ?? 0}, server ${counters['ws.server.connections.peak'] ?? 0}`,
    `failed / dropped              ${sumOf(counters, 'ws.connections.failed.')} / ${sumOf(counters, 'ws.connections.dropped.')}`,
    `connect rate during the ramp  ${validity.connectRatePerSec?.toFixed(0) ?? '-'}/s`,
    `connect p50 / p99 / max       ${ms(metrics['ws.connect']?.p50)} / ${ms(metrics['ws.connect']?.p99)} / ${ms(metrics['ws.connect']?.max)}`,
    `client RSS per held conn      ${kb(validity.clientBytesPerConnection)} (growth after GC; ${clientRss.length} shards, max RSS ${mb(Math.max(0, ...clientRss.map((s) => s.maxRssBytes)))} per shard at most)`,
    `server max RSS                ${mb(Math.max(0, ...serverRss.map((s) => s.maxRssBytes)))} per process at most, ${serverRss.length} processes`,
    `messages sent / received      ${counters['ws.messages.sent'] ?? 0} / ${counters['ws.messages.received'] ?? 0}, echo unanswered ${counters['ws.echo.unanswered'] ?? 0}`,
    `echo RTT p50 / p99            ${ms(metrics['ws.echo']?.p50)} / ${ms(metrics['ws.echo']?.p99)}`,
    `broadcast p50 / p99           ${ms(metrics['ws.broadcast']?.p50)} / ${ms(metrics['ws.broadcast']?.p99)}, missing ${counters['ws.broadcast.missing'] ?? '-'}`,
    `broadcast to last p50 / p99   ${ms(metrics['ws.broadcast.last']?.p50)} / ${ms(metrics['ws.broadcast.last']?.p99)} over ${metrics['ws.broadcast.last']?.count ?? 0} broadcasts`,
    `shard event loop p99 (max)    ${ms(Math.max(0, ...clientRss.map((s) => s.eventLoopDelayP99Us)))}; servers ${ms(Math.max(0, ...serverRss.map((s) => s.eventLoopDelayP99Us)))}`,
    `all processes, sum of max RSS ${(validity.processes.reduce((sum, p) => sum + p.maxRssBytes, 0) / 2 ** 30).toFixed(2)} GiB; run ${(result.durationMs / 1000).toFixed(1)} s`,
    `validity                      ${validity.ok ? 'ok' : `INVALID: ${validity.reasons.join(' | ')}`}`,
  ];
  process.stdout.write(lines.map((line) => `  ${line}`).join('\n') + '\n');
}

/** Plain `ws`: one server process, one client process opening `count` connections; its JSON line. */
async function plainBaseline(count: number): Promise<string> {
  const node = (args: string[]) => spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/ws-plain.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const server = node(['server']);
  try {
    const port = await new Promise<string>((resolvePort) => server.stdout.once('data', (chunk: Buffer) => resolvePort(chunk.toString().trim())));
    const client = node(['client', `ws://127.0.0.1:${port}/`, String(count)]);
    const line = await new Promise<string>((resolveLine) => client.stdout.once('data', (chunk: Buffer) => resolveLine(chunk.toString().trim())));
    client.stdin.end();
    return line;
  } finally {
    server.stdin.end();
  }
}

const scenario = parse(readFileSync(resolve(root, 'scenarios/ws-connections.yaml'), 'utf8')) as { websocket: Record<string, unknown> };
const connections = Number(values.connections);
process.stdout.write(`pushbench bench:ws  (node ${process.version}, ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} load before)\n`);
const { echo, broadcast, ...connectAndHold } = scenario.websocket;
process.stdout.write(`\n1. ws-connections: ${connections} connections, hold ${values.hold}${values.messages ? ', echo 1/s, broadcast every 1 s' : ', no messages'}\n`);
report(await runWs('ws-connections', { ...connectAndHold, ...(values.messages ? { echo, broadcast } : {}), connections, hold: values.hold }));

const broadcastConnections = Number(values['broadcast-connections']);
process.stdout.write(`\n2. broadcast to ${broadcastConnections} connections once a second (200 bytes), hold ${values['broadcast-hold']}\n`);
report(
  await runWs('ws-broadcast', {
    target: 'builtin',
    connections: broadcastConnections,
    connectRate: 5_000,
    hold: values['broadcast-hold'],
    broadcast: { every: '1s', sizeBytes: 200 },
  }),
);

process.stdout.write(`\n3. plain ws baseline: one client process, ${values.baseline} connections\n  ${await plainBaseline(Number(values.baseline))}\n`);
