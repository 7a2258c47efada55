/**
 * Benchmark for issue 2's performance targets, rerunnable:
 *   npm run bench:webhook            (or: npx tsx bench/webhook-throughput.ts [--rounds 3] [--seconds 8])
 *
 * 1. Closed model: pushbench (signed 512-byte events, 64 connections) against a minimal node:http
 *    server, alternated in one run with `autocannon -c 64 -m POST` (unsigned 512-byte body) and
 *    with autocannon sending the same headers as a signed webhook (fixed values), against the same
 *    server. Reports req/s and generator CPU per request per round, medians and both ratios.
 * 2. Open model at 20,000 req/s for 10 s against the same server: asked vs achieved rate.
 * 3. Request building cost (bench/request-cost.ts): µs per request of templating and of each
 *    signing scheme, beside today's default request.
 *
 * Every process here is a child of this script and ends with it. Only 127.0.0.1 is loaded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printRequestCost } from './request-cost.js';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '8' } } });
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const work = mkdtempSync(join(tmpdir(), 'pushbench-bench-'));
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** Runs a child; with `cpuFile`, under /usr/bin/time so its CPU seconds (user + system) can be read afterwards. */
function run(command: string, args: string[], options: { stdinOpen?: boolean; cpuFile?: string } = {}): { child: ChildProcess; output: Promise<string> } {
  if (options.cpuFile) {
    args = ['-f', '%U %S', '-o', options.cpuFile, command, ...args];
    command = '/usr/bin/time';
  }
  const child = spawn(command, args, { cwd: root, stdio: [options.stdinOpen ? 'pipe' : 'ignore', 'pipe', 'ignore'] });
  children.add(child);
  const output = new Promise<string>((resolveOutput, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0 || code === 3) resolveOutput(text);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
  return { child, output };
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  const { child } = run(process.execPath, ['--import', 'tsx', 'bench/minimal-server.ts'], { stdinOpen: true });
  const port = await new Promise<string>((resolvePort) => child.stdout!.once('data', (chunk: Buffer) => resolvePort(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.stdin!.end() };
}

function cpuSeconds(file: string): number {
  const [user, system] = readFileSync(file, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return (user ?? 0) + (system ?? 0);
}

interface Throughput {
  reqPerSec: number;
  /** The generator process's CPU (user + system) per completed request, µs. */
  cpuUsPerRequest: number;
}

/**
 * The same request shape as a signed webhook, sent by autocannon: the three webhook-* headers and
 * content-type, with fixed values (autocannon cannot sign each request). Separates what the extra
 * header bytes cost the server from what signing costs the generator.
 */
const WEBHOOK_SHAPED_HEADERS = [
  'content-type=application/json',
  'webhook-id=evt_00000001_123456',
  'webhook-timestamp=1764175000',
  'webhook-signature=v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
].flatMap((header) => ['-H', header]);

async function autocannon(url: string, durationSec: number, headers: string[] = []): Promise<Throughput> {
  const body = 'a'.repeat(512);
  const bin = join(root, 'node_modules/autocannon/autocannon.js');
  const cpuFile = join(work, 'autocannon.cpu');
  const { output } = run(process.execPath, [bin, '-c', '64', '-d', String(durationSec), '-m', 'POST', '-b', body, ...headers, '--json', url], { cpuFile });
  const report = JSON.parse(await output) as { requests: { total: number }; duration: number; non2xx: number; errors: number };
  if (report.non2xx > 0 || report.errors > 0) console.warn(`autocannon: ${report.non2xx} non-2xx, ${report.errors} errors`);
  return { reqPerSec: report.requests.total / report.duration, cpuUsPerRequest: (cpuSeconds(cpuFile) * 1e6) / report.requests.total };
}

interface PushbenchRun {
  okPerSec: number;
  cpuUsPerRequest: number;
  counters: Record<string, number>;
  latency: Record<string, number>;
  validity: { ok: boolean; reasons: string[]; lateSendFraction: number; askedRatePerSec?: number; achievedRatePerSec?: number };
}

async function pushbench(name: string, load: string, url: string, durationSec: number): Promise<PushbenchRun> {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nwebhook:\n  target: ${url}\n  secret: ${SECRET}\n  payload: { sizeBytes: 512 }\n  load: ${load}\n`);
  const out = join(work, name);
  const cpuFile = join(work, `${name}.cpu`);
  const { output } = run(process.execPath, ['dist/cli/main.js', 'run', file, '--out', out, '--duration', `${durationSec}s`], { cpuFile });
  await output;
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  const ok = result.counters['webhook.ok'] ?? 0;
  return {
    okPerSec: ok / durationSec,
    cpuUsPerRequest: (cpuSeconds(cpuFile) * 1e6) / Math.max(ok, 1),
    counters: result.counters,
    latency: result.metrics['webhook.latency'],
    validity: result.validity,
  };
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const fmtUs = (us: number | undefined): string => (us === undefined ? '-' : us < 1000 ? `${us}us` : `${(us / 1000).toFixed(2)}ms`);

const server = await startServer();
console.log(`minimal node:http server at ${server.url}; warming up`);
await autocannon(server.url, 2);
await pushbench('warmup', '{ model: closed, connections: 64, duration: 2s }', server.url, 2);

const ours: Throughput[] = [];
const theirs: Throughput[] = [];
const theirsShaped: Throughput[] = [];
console.log(`\nclosed model, ${rounds} alternated rounds of ${seconds}s, 64 connections, 512-byte bodies`);
console.log('round   autocannon (unsigned)   autocannon (webhook headers)   pushbench (signed)   ratio to   ratio to');
console.log('        req/s  CPU us/req        req/s  CPU us/req            req/s  CPU us/req   unsigned   same headers');
const cells = (entry: Throughput): string => `${entry.reqPerSec.toFixed(0).padStart(6)} ${entry.cpuUsPerRequest.toFixed(1).padStart(11)}`;
const row = (label: string, peer: Throughput, shaped: Throughput, mine: Throughput): string =>
  `${label.padEnd(6)} ${cells(peer)}       ${cells(shaped)}          ${cells(mine)}   ${(mine.reqPerSec / peer.reqPerSec).toFixed(3).padStart(8)}   ${(mine.reqPerSec / shaped.reqPerSec).toFixed(3).padStart(8)}`;
for (let round = 1; round <= rounds; round++) {
  const peer = await autocannon(server.url, seconds);
  const shaped = await autocannon(server.url, seconds, WEBHOOK_SHAPED_HEADERS);
  const run = await pushbench(`closed-${round}`, '{ model: closed, connections: 64, duration: 1s }', server.url, seconds);
  const mine = { reqPerSec: run.okPerSec, cpuUsPerRequest: run.cpuUsPerRequest };
  theirs.push(peer);
  theirsShaped.push(shaped);
  ours.push(mine);
  console.log(row(String(round), peer, shaped, mine));
}
const medianOf = (list: Throughput[]): Throughput => ({
  reqPerSec: median(list.map((entry) => entry.reqPerSec)),
  cpuUsPerRequest: median(list.map((entry) => entry.cpuUsPerRequest)),
});
console.log(row('median', medianOf(theirs), medianOf(theirsShaped), medianOf(ours)));

console.log('\nopen model, 20000 req/s constant for 10 s after a 2 s warm-up, signed 512-byte events');
const open = await pushbench('open-20k', '{ model: open, rate: 20000, duration: 1s, warmup: 2s }', server.url, 10);
const { askedRatePerSec = 0, achievedRatePerSec = 0 } = open.validity;
console.log(`asked ${askedRatePerSec.toFixed(1)}/s  achieved ${achievedRatePerSec.toFixed(1)}/s (${((achievedRatePerSec / askedRatePerSec) * 100).toFixed(2)}%)`);
console.log(`sent ${open.counters['webhook.sent']}  ok ${open.counters['webhook.ok']}  ok/s ${open.okPerSec.toFixed(1)}  late sends ${(open.validity.lateSendFraction * 100).toFixed(2)}%  valid ${open.validity.ok}`);
console.log(`latency p50 ${fmtUs(open.latency.p50)}  p90 ${fmtUs(open.latency.p90)}  p99 ${fmtUs(open.latency.p99)}  max ${fmtUs(open.latency.max)}`);
for (const reason of open.validity.reasons) console.log(`  invalid: ${reason}`);
server.stop();
printRequestCost();
process.exit(0);
