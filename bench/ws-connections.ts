/**
 * Benchmark for issue 3's performance targets, rerunnable:
 *   npm run bench:ws        (or: npx tsx bench/ws-connections.ts [--connections 100000] [--connect-rate 100000]
 *                            [--hold 15s] [--messages] [--broadcast-connections 20000] [--broadcast-hold 20s]
 *                            [--baseline <connections>] [--skip-baseline] [--skip-broadcast] [--only-broadcast])
 *
 * 1. scenarios/ws-connections.yaml with --connections, --connect-rate (default: faster than this
 *    box connects, so the in-flight bound sets the pace) and --hold applied: peak concurrent
 *    connections, dropped, connect rate during the ramp and connect p99, client RSS per held
 *    connection, client CPU per connect, event-loop stalls. Echo and broadcast only with --messages.
 * 2. Baseline, right after in the same run: plain `ws` (bench/ws-plain.ts) with as many client and
 *    server processes as pushbench used, --baseline connections (default: --connections) spread
 *    over them, each client opening as fast as it can (1,000 in flight, as a pushbench shard).
 * 3. Broadcast to --broadcast-connections once a second (no echo): p99 time to the last recipient.
 * Ends with one side-by-side table: every figure, pushbench vs plain ws (or vs its target), and the ratio.
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
    hold: { type: 'string', default: '15s' },
    'connect-rate': { type: 'string', default: '100000' },
    'broadcast-connections': { type: 'string', default: '20000' },
    'broadcast-hold': { type: 'string', default: '20s' },
    baseline: { type: 'string' },
    messages: { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    'skip-broadcast': { type: 'boolean', default: false },
    'only-broadcast': { type: 'boolean', default: false },
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

interface PlainLine {
  opened: number;
  seconds: number;
  connectsPerSec: number;
  bytesPerConnection: number;
  userCpuMs: number;
  systemCpuMs: number;
}

/** Plain `ws`: `processes` server processes and as many clients (client i to server i), `count` connections in all. */
async function plainBaseline(count: number, processes: number): Promise<{ opened: number; connectsPerSec: number; cpuUsPerConnect: number; bytesPerConnection: number }> {
  const node = (args: string[]) => spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/ws-plain.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = (child: ReturnType<typeof node>) => new Promise<string>((resolveLine) => child.stdout.once('data', (chunk: Buffer) => resolveLine(chunk.toString().trim())));
  const servers = Array.from({ length: processes }, () => node(['server']));
  try {
    const ports = await Promise.all(servers.map(firstLine));
    const clients = ports.map((port, i) => node(['client', `ws://127.0.0.1:${port}/`, String(Math.floor(count / processes) + (i < count % processes ? 1 : 0))]));
    const lines = (await Promise.all(clients.map(firstLine))).map((line) => JSON.parse(line) as PlainLine);
    clients.forEach((client) => client.stdin.end());
    const opened = lines.reduce((sum, line) => sum + line.opened, 0);
    return {
      opened,
      connectsPerSec: opened / Math.max(...lines.map((line) => line.seconds)),
      cpuUsPerConnect: (lines.reduce((sum, line) => sum + line.userCpuMs + line.systemCpuMs, 0) * 1000) / Math.max(opened, 1),
      bytesPerConnection: lines.reduce((sum, line) => sum + line.bytesPerConnection * line.opened, 0) / Math.max(opened, 1),
    };
  } finally {
    servers.forEach((server) => server.stdin.end());
  }
}

const table: string[][] = [['figure', 'pushbench', 'peer', 'ratio', 'target']];
const ratio = (ours: number | undefined, theirs: number | undefined): string => (ours === undefined || theirs === undefined || theirs === 0 ? '-' : `${(ours / theirs).toFixed(3)}x`);
function printTable(): void {
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  process.stdout.write(`\n${table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n')}\n`);
}

const scenario = parse(readFileSync(resolve(root, 'scenarios/ws-connections.yaml'), 'utf8')) as { websocket: Record<string, unknown> };
const connections = Number(values.connections);
const connectRate = Number(values['connect-rate']);
process.stdout.write(`pushbench bench:ws  (node ${process.version}, ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} load before; other work on this box adds noise, only same-run ratios mean anything)\n`);
if (!values['only-broadcast']) {
const { echo, broadcast, ...connectAndHold } = scenario.websocket;
process.stdout.write(`\n1. ws-connections: ${connections} connections asked at ${connectRate}/s, hold ${values.hold}${values.messages ? ', echo 1/s, broadcast every 1 s' : ', no messages'}\n`);
const held = await runWs('ws-connections', { ...connectAndHold, ...(values.messages ? { echo, broadcast } : {}), connections, connectRate, hold: values.hold });
report(held);
const clientShards = (held.validity.shards ?? []).filter((shard) => shard.role.startsWith('ws-client-'));
const opened = held.counters['ws.connections.opened'] ?? 0;
const clientCpuUsPerConnect = (clientShards.reduce((sum, shard) => sum + shard.cpuMs, 0) * 1000) / Math.max(opened, 1);
const worstDelayP99Us = Math.max(0, ...clientShards.map((shard) => shard.eventLoopDelayP99Us));
const worstDelayMaxUs = Math.max(0, ...clientShards.map((shard) => shard.eventLoopDelayMaxUs));

const connectHistogramSamples = held.metrics['ws.connect']?.count ?? 0;
table.push(['connect histogram samples', String(connectHistogramSamples), `${opened} opened`, ratio(connectHistogramSamples, opened), '1.000x']);
const baselineCount = Number(values.baseline ?? connections);
const processes = Math.max(1, clientShards.length);
const plain = values['skip-baseline'] ? undefined : await (async () => {
  process.stdout.write(`\n2. plain ws baseline: ${processes} client + ${processes} server processes, ${baselineCount} connections, as fast as they go\n`);
  const line = await plainBaseline(baselineCount, processes);
  process.stdout.write(`  ${JSON.stringify(line)}\n`);
  return line;
})();
const peer = (text: string | undefined): string => (text === undefined ? '- (skipped)' : `${text} (plain ws)`);
table.push(
  [`connect rate at ${connections} (/s)`, held.validity.connectRatePerSec?.toFixed(0) ?? '-', peer(plain?.connectsPerSec.toFixed(0)), ratio(held.validity.connectRatePerSec, plain?.connectsPerSec), '>= 1.0x'],
  ['client CPU per connect (us)', clientCpuUsPerConnect.toFixed(0), peer(plain?.cpuUsPerConnect.toFixed(0)), ratio(clientCpuUsPerConnect, plain?.cpuUsPerConnect), 'lower is better'],
  ['client memory per held conn (KB)', kb(held.validity.clientBytesPerConnection), peer(plain ? kb(plain.bytesPerConnection) : undefined), ratio(held.validity.clientBytesPerConnection, plain?.bytesPerConnection), '-'],
  ['opened / dropped', `${opened} / ${sumOf(held.counters, 'ws.connections.dropped.')}`, peer(plain ? `${plain.opened} / -` : undefined), ratio(opened, plain?.opened), '0 dropped'],
  ['client event-loop delay p99, worst shard', ms(worstDelayP99Us), '100.0 ms (validity limit)', ratio(worstDelayP99Us, 100_000), '<= 1.0x'],
  ['client event-loop delay max, worst shard', ms(worstDelayMaxUs), '-', '-', 'reported only'],
  ['run time (s)', (held.durationMs / 1000).toFixed(1), '-', '-', '-'],
  ['run valid', String(held.validity.ok), '-', '-', 'true'],
);
}

if (!values['skip-broadcast']) {
const broadcastConnections = Number(values['broadcast-connections']);
process.stdout.write(`\n3. broadcast to ${broadcastConnections} connections once a second (200 bytes), hold ${values['broadcast-hold']}\n`);
const fanOut = await runWs('ws-broadcast', {
  target: 'builtin',
  connections: broadcastConnections,
  connectRate: 5_000,
  hold: values['broadcast-hold'],
  broadcast: { every: '1s', sizeBytes: 200 },
});
report(fanOut);
const lastP99 = fanOut.metrics['ws.broadcast.last']?.p99;
table.push(
  [`broadcast to last of ${broadcastConnections}, p99`, ms(lastP99), '250.0 ms (target)', ratio(lastP99, 250_000), '<= 1.0x'],
  ['broadcast missing', String(fanOut.counters['ws.broadcast.missing'] ?? '-'), '0', '-', '0'],
  ['broadcast run valid', String(fanOut.validity.ok), '-', '-', 'true'],
);
}
printTable();
