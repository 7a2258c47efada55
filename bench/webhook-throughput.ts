/**
 * Benchmark for issue 2's performance targets, rerunnable:
 *   npm run bench:webhook            (or: npx tsx bench/webhook-throughput.ts [--rounds 3] [--seconds 8])
 *
 * 1. Closed model: pushbench (signed 512-byte events, 64 connections) against a minimal node:http
 *    server, alternated in one run with `autocannon -c 64 -m POST` (unsigned 512-byte body) and
 *    with autocannon sending the same headers as a signed webhook (fixed values), against the same
 *    server. Reports req/s and generator CPU per request per round, medians and both ratios.
 * 2. Open model at 2,000/s and 20,000/s for --open-seconds (10) against the same server, each
 *    alternated with `autocannon -c 128 -R <rate>` (unsigned, same body): the generator process's
 *    CPU (user + system, from /usr/bin/time; a webhook run against a URL spawns no child) and its
 *    ratio to autocannon's, asked vs achieved rate, generator.sendLag p99 and how near the validity
 *    rule's nearest bound the run came (docs/metrics.md, "Validity").
 *    Beside them, bench/paced-floor.ts at the same rate: the CPU floor of a Node.js generator that
 *    sends at intended times on 1 ms timers (fixed unsigned request, nothing measured). pushbench
 *    minus the floor is pushbench's own work; the floor minus autocannon is the price of pacing,
 *    since `autocannon -R` sends each connection's quota back to back when each second starts.
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
import { buildSync } from 'esbuild';
import { printRequestCost } from './request-cost.js';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '8' }, 'open-seconds': { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const openSeconds = Number(values['open-seconds']);
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

interface AutocannonRun extends Throughput {
  cpuSeconds: number;
}

/** autocannon, closed (64 connections) or with `rate`, paced by `-R` over 128 connections like pushbench's open model. */
async function autocannon(url: string, durationSec: number, headers: string[] = [], rate?: number): Promise<AutocannonRun> {
  const body = 'a'.repeat(512);
  const bin = join(root, 'node_modules/autocannon/autocannon.js');
  const cpuFile = join(work, 'autocannon.cpu');
  const pacing = rate === undefined ? ['-c', '64'] : ['-c', '128', '-R', String(rate)];
  const { output } = run(process.execPath, [bin, ...pacing, '-d', String(durationSec), '-m', 'POST', '-b', body, ...headers, '--json', url], { cpuFile });
  const report = JSON.parse(await output) as { requests: { total: number }; duration: number; non2xx: number; errors: number };
  if (report.non2xx > 0 || report.errors > 0) console.warn(`autocannon: ${report.non2xx} non-2xx, ${report.errors} errors`);
  const cpu = cpuSeconds(cpuFile);
  return { reqPerSec: report.requests.total / report.duration, cpuUsPerRequest: (cpu * 1e6) / report.requests.total, cpuSeconds: cpu };
}

interface PushbenchRun {
  okPerSec: number;
  cpuUsPerRequest: number;
  cpuSeconds: number;
  counters: Record<string, number>;
  latency: Record<string, number>;
  sendLag?: Record<string, number>;
  validity: {
    ok: boolean;
    reasons: string[];
    /** The judged figure nearest its invalid bound (ratio 1 = at the bound). */
    nearestBound?: { figure: string; ratio: number };
    askedRatePerSec?: number;
    achievedRatePerSec?: number;
  };
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
  const cpu = cpuSeconds(cpuFile);
  return {
    okPerSec: ok / durationSec,
    cpuUsPerRequest: (cpu * 1e6) / Math.max(ok, 1),
    cpuSeconds: cpu,
    counters: result.counters,
    latency: result.metrics['webhook.latency'],
    sendLag: result.metrics['generator.sendLag'],
    validity: result.validity,
  };
}

/** bench/paced-floor.ts at `rate`, compiled once to plain JavaScript so its CPU has no TypeScript loader in it. */
const floorScript = join(work, 'paced-floor.mjs');
buildSync({ entryPoints: [join(root, 'bench/paced-floor.ts')], outfile: floorScript, format: 'esm', platform: 'node', logLevel: 'warning' });
async function pacedFloor(url: string, durationSec: number, rate: number): Promise<{ cpuSeconds: number; sent: number; answered: number }> {
  const cpuFile = join(work, 'floor.cpu');
  const { output } = run(process.execPath, [floorScript, url, String(rate), String(durationSec)], { cpuFile });
  const report = JSON.parse(await output) as { sent: number; answered: number };
  return { cpuSeconds: cpuSeconds(cpuFile), ...report };
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

console.log(`\nopen model, ${openSeconds}s per run, 128 connections, 512-byte bodies (pushbench signed, autocannon -R unsigned), alternated`);
console.log('rate/s   autocannon -R           paced floor   pushbench open model                                      CPU ratio   CPU ratio   targets');
console.log('         achieved/s  CPU s       CPU s         achieved/s  of asked  CPU s   sendLag p99  bound use valid   (ours/ac)   (ours/floor) rate±1% lag<=2ms CPU<=1.0x');
for (const rate of [2_000, 20_000]) {
  const peer = await autocannon(server.url, openSeconds, [], rate);
  const floor = await pacedFloor(server.url, openSeconds, rate);
  if (floor.answered !== floor.sent) console.warn(`paced floor: ${floor.answered} of ${floor.sent} answered`);
  const open = await pushbench(`open-${rate}`, `{ model: open, rate: ${rate}, duration: 1s }`, server.url, openSeconds);
  const { askedRatePerSec = 0, achievedRatePerSec = 0, nearestBound } = open.validity;
  const ofAsked = achievedRatePerSec / Math.max(askedRatePerSec, 1);
  const lagP99 = open.sendLag?.p99;
  const cpuRatio = open.cpuSeconds / peer.cpuSeconds;
  const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
  console.log(
    `${String(rate).padEnd(8)} ${peer.reqPerSec.toFixed(0).padStart(10)} ${peer.cpuSeconds.toFixed(2).padStart(6)}       ${floor.cpuSeconds.toFixed(2).padStart(6)}        ` +
      `${achievedRatePerSec.toFixed(0).padStart(10)} ${(ofAsked * 100).toFixed(2).padStart(7)}% ${open.cpuSeconds.toFixed(2).padStart(6)} ` +
      `${fmtUs(lagP99).padStart(11)}  ${(nearestBound ? `${(nearestBound.ratio * 100).toFixed(0)}%` : '-').padStart(8)} ${String(open.validity.ok).padEnd(6)}  ` +
      `${cpuRatio.toFixed(3).padStart(9)}   ${(open.cpuSeconds / floor.cpuSeconds).toFixed(3).padStart(10)}   ${verdict(Math.abs(ofAsked - 1) <= 0.01).padEnd(7)} ${verdict(lagP99 !== undefined && lagP99 <= 2000).padEnd(8)} ${verdict(cpuRatio <= 1)}`,
  );
  for (const reason of open.validity.reasons) console.log(`  invalid: ${reason}`);
}
server.stop();
printRequestCost();
process.exit(0);
