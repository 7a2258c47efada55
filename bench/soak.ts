/**
 * Soak (issue 21): does anything grow or drift over a long run? Two runs, one after the other:
 *   1. webhook: 2,000/s open model against the built-in receiver for --minutes (10);
 *   2. websocket: 20,000 connections to the built-in server, echo 1/s each, held --minutes (10).
 * During each run the RSS of every process (pushbench, receiver, ws servers, client shards; read
 * from /proc) is sampled every 5 s. It prints, per process, RSS at minute 2 and at the end (for
 * shorter runs: at 20% and at the end of the run) and the growth between them (issue 21: under
 * 10%), and, from the run's result.json, the drift of the schedule: p99 of generator.sendLag
 * (webhook) or of ws.echo (websocket) averaged over minute 2 and over the last minute, and the
 * run's late-send fraction.
 *
 *   npm run bench:soak   (npm run build && tsx bench/soak.ts)
 *   npx tsx bench/soak.ts --minutes 0.5 --rate 500 --connections 2000   (a quick proof)
 *
 * Every process here is a child of this script and ends with it; only 127.0.0.1 is loaded.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const durationS = Math.round(minutes * 60);
/** "Minute 2" of a 10-minute run, scaled for shorter proofs. */
const earlyS = minutes >= 10 ? 120 : Math.max(1, Math.round(durationS * 0.2));
const SAMPLE_MS = minutes >= 2 ? 5_000 : 1_000;
const work = mkdtempSync(join(tmpdir(), 'pushbench-soak-'));
const built = join(root, 'dist/cli/main.js');
const cliArgs = existsSync(built) ? [built] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];

interface Sample {
  atS: number;
  rssByRole: Map<string, number>;
}

/** Role of a process from its command line: pushbench itself, or its child's --pushbench-role. */
function roleOf(pid: number, cliPid: number): string | undefined {
  if (pid === cliPid) return 'pushbench';
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /--pushbench-role=([\w-]+)/.exec(command)?.[1];
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function sampleTree(cliPid: number, atS: number): Sample {
  const rssByRole = new Map<string, number>();
  for (const pid of [cliPid, ...descendants(cliPid)]) {
    const role = roleOf(pid, cliPid);
    const rss = rssBytes(pid);
    if (role !== undefined && rss !== undefined) rssByRole.set(role, rss);
  }
  return { atS, rssByRole };
}

async function soak(name: string, yaml: string, loadStartS: number): Promise<void> {
  const file = join(work, `${name}.yaml`);
  const out = join(work, name);
  writeFileSync(file, yaml);
  const child = spawn(process.execPath, [...cliArgs, 'run', file, '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  process.on('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const startedMs = Date.now();
  const samples: Sample[] = [];
  const sampler = setInterval(() => samples.push(sampleTree(child.pid!, (Date.now() - startedMs) / 1_000 - loadStartS)), SAMPLE_MS);
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  clearInterval(sampler);
  if (!existsSync(join(out, 'result.json'))) throw new Error(`${name}: the run wrote no result (exit ${code}): ${stderr.trim().split('\n').at(-1)}`);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    timeline: { second: number; p99Us: Record<string, number> }[];
    validity: { ok: boolean; reasons: string[]; lateSendFraction?: number };
  };
  const loaded = samples.filter((sample) => sample.atS >= 0 && sample.atS <= durationS);
  const early = nearest(loaded, earlyS);
  const late = loaded.at(-1);
  console.log(`\n${name}: ${durationS} s, exit ${code}, ${result.validity.ok ? 'valid' : `INVALID: ${result.validity.reasons.join('; ')}`}`);
  // One RSS sample lands anywhere in V8's GC cycle (its young generation alone resizes between 4 and
  // 34 MB at 2,000/s), so the floor over a minute (the RSS after collections) is compared as well:
  // a leak raises the floor.
  const floorWindowS = Math.max(1, Math.min(60, Math.round(durationS / 5)));
  const floor = (role: string, fromS: number, toS: number): number | undefined => {
    const values = loaded.filter((sample) => sample.atS >= fromS && sample.atS <= toS).map((sample) => sample.rssByRole.get(role)).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : Math.min(...values);
  };
  const pct = (from: number | undefined, to: number | undefined): string => (from === undefined || to === undefined ? '-' : `${(((to - from) / from) * 100).toFixed(1)}%`);
  const lastS = late?.atS ?? durationS;
  console.log(`  RSS per process      at ${earlyS} s     at ${late ? Math.round(late.atS) : '-'} s     growth   floor ${earlyS - floorWindowS}-${earlyS} s  floor last ${floorWindowS} s  growth`);
  for (const role of [...(early?.rssByRole.keys() ?? [])].sort()) {
    const from = early!.rssByRole.get(role)!;
    const to = late?.rssByRole.get(role);
    const floorFrom = floor(role, earlyS - floorWindowS, earlyS);
    const floorTo = floor(role, lastS - floorWindowS, lastS);
    const cell = (bytes: number | undefined, width: number): string => (bytes === undefined ? '-' : mb(bytes)).padStart(width);
    console.log(`  ${role.padEnd(18)} ${mb(from).padStart(9)} ${cell(to, 12)} ${pct(from, to).padStart(9)} ${cell(floorFrom, 18)} ${cell(floorTo, 18)} ${pct(floorFrom, floorTo).padStart(8)}`);
  }
  for (const metric of ['generator.sendLag', 'ws.echo']) {
    const series = result.timeline.filter((point) => point.p99Us[metric] !== undefined);
    if (series.length === 0) continue;
    const windowS = Math.max(1, Math.min(60, Math.round(durationS / 5)));
    const earlyP99 = mean(series.filter((point) => point.second >= earlyS - windowS && point.second < earlyS).map((point) => point.p99Us[metric]!));
    const lastSecond = series.at(-1)!.second;
    const lateP99 = mean(series.filter((point) => point.second > lastSecond - windowS).map((point) => point.p99Us[metric]!));
    console.log(`  ${metric} p99 (mean per second): ${ms(earlyP99)} before ${earlyS} s, ${ms(lateP99)} in the last ${windowS} s (drift ${ms(lateP99 - earlyP99)})`);
  }
  if (result.validity.lateSendFraction !== undefined) console.log(`  late sends: ${(result.validity.lateSendFraction * 100).toFixed(2)}% of the run`);
}

function nearest(samples: Sample[], atS: number): Sample | undefined {
  return samples.reduce<Sample | undefined>((best, sample) => (best === undefined || Math.abs(sample.atS - atS) < Math.abs(best.atS - atS) ? sample : best), undefined);
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function ms(us: number): string {
  return Number.isNaN(us) ? '-' : `${(us / 1_000).toFixed(2)} ms`;
}

try {
  if (values.only !== 'websocket') {
    await soak('soak-webhook', `name: soak-webhook\nwebhook:\n  target: builtin\n  load: { model: open, rate: ${Number(values.rate)}, duration: ${durationS}s }\n`, 2);
  }
  if (values.only !== 'webhook') {
    const connections = Number(values.connections);
    await soak(
      'soak-websocket',
      `name: soak-websocket\nwebsocket: { target: builtin, connections: ${connections}, connectRate: 5000, hold: ${durationS}s, echo: { rate: 1 } }\n`,
      2 + connections / 5_000,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
