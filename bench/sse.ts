/**
 * bench:sse (issue 18, item 3), rerunnable:
 *   npm run build && npx tsx bench/sse.ts [--streams 100000] [--hold 30s] [--connect-rate 6000] [--skip-baseline]
 *
 * 1. pushbench: --streams SSE streams against the built-in SSE target, held --hold (no events:
 *    the cost of holding streams), asked at --connect-rate (6,000/s by default: about what this box opens;
 *    asked at 100,000/s the in-flight bound sets the pace, and the shards' loops stall past validity's
 *    100 ms p99 bound in the bursts): peak streams, failed/dropped, connect rate during the ramp,
 *    connect p50/p99, client RSS per held stream, client CPU per open, event-loop stalls, validity.
 * 2. Baseline right after: plain node:http GET + eventsource-parser (bench/sse-plain.ts) with as
 *    many client processes as pushbench used, against as many built-in SSE server processes (so
 *    only the client differs), the same streams spread over them.
 * Ends with a side-by-side table and the ratios (goal: connect rate >= 1.0x, memory <= 1.0x).
 *
 * Runs from dist/ (build first), so shards and servers are plain JavaScript. Every process is a
 * child of this script and ends with it. Only 127.0.0.1 is loaded.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const { parseScenarioBytes, runScenario } = (await import(resolve(root, 'dist/index.js'))) as typeof import('../src/index.js');
const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '100000' },
    hold: { type: 'string', default: '30s' },
    'connect-rate': { type: 'string', default: '6000' },
    'skip-baseline': { type: 'boolean', default: false },
  },
});

const kb = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 1024).toFixed(2)} KB`);
const ms = (us: number | undefined): string => (us === undefined ? '-' : `${(us / 1000).toFixed(1)} ms`);
const ratio = (ours: number | undefined, theirs: number | undefined): string => (ours === undefined || theirs === undefined || theirs === 0 ? '-' : `${(ours / theirs).toFixed(3)}x`);
const sumOf = (counters: Record<string, number>, prefix: string): number =>
  Object.entries(counters).reduce((sum, [name, value]) => (name.startsWith(prefix) ? sum + value : sum), 0);

const streams = Number(values.streams);
const sse = { target: 'builtin', connections: streams, connectRate: Number(values['connect-rate']), hold: values.hold, reconnect: { enabled: false } };
const yaml = stringify({ name: 'sse-streams', sse });
process.stdout.write(`pushbench bench:sse  (node ${process.version}, ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} load before; other work on this box adds noise, only same-run ratios mean anything)\n`);
process.stdout.write(`\n1. pushbench: ${streams} streams against the built-in SSE target, asked at ${sse.connectRate}/s, hold ${sse.hold}\n`);
let lastLine = 0;
const held = await runScenario(parseScenarioBytes(Buffer.from(yaml), 'sse-streams.yaml'), {
  onProgress: (progress) => {
    const second = Math.floor(progress.elapsedUs / 1e6);
    if (second >= lastLine + 5) {
      lastLine = second;
      process.stderr.write(`  ${second}s  client ${progress.openConnections}  server ${progress.serverConnections ?? '-'}  opening ${progress.inFlight}  errors ${progress.errors}\n`);
    }
  },
});
const { counters, metrics, validity } = held;
const clientShards = (validity.shards ?? []).filter((shard) => shard.role.startsWith('sse-client-'));
const opened = counters['sse.connections.opened'] ?? 0;
const cpuUsPerOpen = (clientShards.reduce((sum, shard) => sum + shard.cpuMs, 0) * 1000) / Math.max(opened, 1);
const worstDelayP99Us = Math.max(0, ...clientShards.map((shard) => shard.eventLoopDelayP99Us));
process.stdout.write(
  [
    `peak streams                  client ${counters['sse.connections.peak'] ?? 0}, server ${counters['sse.server.streams.peak'] ?? 0}`,
    `failed / dropped              ${sumOf(counters, 'sse.connections.failed.')} / ${counters['sse.connections.dropped'] ?? 0}`,
    `connect rate during the ramp  ${validity.connectRatePerSec?.toFixed(0) ?? '-'}/s`,
    `connect p50 / p99 / max       ${ms(metrics['sse.connect']?.p50)} / ${ms(metrics['sse.connect']?.p99)} / ${ms(metrics['sse.connect']?.max)}`,
    `client RSS per held stream    ${kb(validity.clientBytesPerConnection)} (growth after GC; ${clientShards.length} shards)`,
    `run ${(held.durationMs / 1000).toFixed(1)} s; validity ${validity.ok ? 'ok' : `INVALID: ${validity.reasons.join(' | ')}`}`,
  ]
    .map((line) => `  ${line}\n`)
    .join(''),
);

interface PlainLine {
  opened: number;
  seconds: number;
  connectsPerSec: number;
  bytesPerConnection: number;
  userCpuMs: number;
  systemCpuMs: number;
}

/**
 * Plain node:http + eventsource-parser: `clients` client processes against `servers` built-in SSE
 * server processes (the same servers pushbench's run used, so only the client differs), `count`
 * streams in all, client i to server i mod servers.
 */
async function plainBaseline(count: number, clients: number, servers: number): Promise<{ opened: number; connectsPerSec: number; cpuUsPerConnect: number; bytesPerConnection: number }> {
  const { startSseServerProcess } = (await import(resolve(root, 'dist/targets/sse-server-handle.js'))) as typeof import('../src/targets/sse-server-handle.js');
  const node = (args: string[]) => spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/sse-plain.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = (child: ReturnType<typeof node>) => new Promise<string>((resolveLine) => child.stdout.once('data', (chunk: Buffer) => resolveLine(chunk.toString().trim())));
  const started = await Promise.all(Array.from({ length: servers }, (_unused, index) => startSseServerProcess(`plain-sse-server-${index}`, { history: 0 }, () => {})));
  try {
    const children = Array.from({ length: clients }, (_unused, i) =>
      node(['client', started[i % servers]!.url, String(Math.floor(count / clients) + (i < count % clients ? 1 : 0))]),
    );
    const lines = (await Promise.all(children.map(firstLine))).map((line) => JSON.parse(line) as PlainLine);
    children.forEach((child) => child.stdin.end());
    const total = lines.reduce((sum, line) => sum + line.opened, 0);
    return {
      opened: total,
      connectsPerSec: total / Math.max(...lines.map((line) => line.seconds)),
      cpuUsPerConnect: (lines.reduce((sum, line) => sum + line.userCpuMs + line.systemCpuMs, 0) * 1000) / Math.max(total, 1),
      bytesPerConnection: lines.reduce((sum, line) => sum + line.bytesPerConnection * line.opened, 0) / Math.max(total, 1),
    };
  } finally {
    for (const server of started) server.link.kill();
  }
}

const processes = Math.max(1, clientShards.length);
const serverProcesses = Math.max(1, (validity.shards ?? []).filter((shard) => shard.role.startsWith('sse-server-')).length);
const plain = values['skip-baseline'] ? undefined : await plainBaseline(streams, processes, serverProcesses);
if (plain) process.stdout.write(`\n2. plain node:http + eventsource-parser: ${processes} client processes against ${serverProcesses} built-in SSE server processes, ${streams} streams\n  ${JSON.stringify(plain)}\n`);
const peer = (text: string | undefined): string => (text === undefined ? '- (skipped)' : text);
const table: string[][] = [
  ['figure', 'pushbench', 'plain node:http + parser', 'ratio', 'goal'],
  [`connect rate at ${streams} (/s)`, validity.connectRatePerSec?.toFixed(0) ?? '-', peer(plain?.connectsPerSec.toFixed(0)), ratio(validity.connectRatePerSec, plain?.connectsPerSec), '>= 1.0x'],
  ['client memory per held stream', kb(validity.clientBytesPerConnection), peer(plain ? kb(plain.bytesPerConnection) : undefined), ratio(validity.clientBytesPerConnection, plain?.bytesPerConnection), '<= 1.0x'],
  ['client CPU per open (us)', cpuUsPerOpen.toFixed(0), peer(plain?.cpuUsPerConnect.toFixed(0)), ratio(cpuUsPerOpen, plain?.cpuUsPerConnect), 'lower is better'],
  ['opened / dropped', `${opened} / ${counters['sse.connections.dropped'] ?? 0}`, peer(plain ? `${plain.opened} / -` : undefined), ratio(opened, plain?.opened), '0 dropped'],
  ['client event-loop delay p99, worst shard', ms(worstDelayP99Us), '100.0 ms (validity limit)', ratio(worstDelayP99Us, 100_000), '<= 1.0x'],
  ['run valid', String(validity.ok), '-', '-', 'true'],
];
const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
process.stdout.write(`\n${table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n')}\n`);
