/**
 * Does validity tell a healthy generator from a starved one, every time? (issue 22)
 *   npm run bench:validity      (or: npx tsx bench/validity.ts [--quiet 20] [--starved 5] [--scenario stripe-receiver]
 *                                     [--starved-rate 2000] [--duration 10s])
 *
 * 1. Quiet: the shipped open-model scenario as shipped (built-in receiver), --quiet times.
 * 2. Starved: the same scenario at --starved-rate/s, the generator pinned to CPU 0 beside two busy
 *    loops also pinned to CPU 0, the target (a minimal node:http server) pinned to CPU 1.
 * Prints, per run, the verdict, the figure nearest its bound, the generator's sendLag p50/p90/p99,
 * event-loop delay p90, CPU share, run-queue wait (mean per wake-up, and share of its runnable
 * time), the host's CPU steal over the run's window and the latency p99; then both tallies.
 * Quiet runs should all be valid, starved runs all invalid, each naming the generator.
 *
 * Runs the CLI from dist/ when built (npm run build), else from sources through tsx. Every process
 * here is a child of this script and ends with it; only 127.0.0.1 is loaded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../src/result/run-result.js';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    quiet: { type: 'string', default: '20' },
    starved: { type: 'string', default: '5' },
    scenario: { type: 'string', default: 'stripe-receiver' },
    'starved-rate': { type: 'string', default: '2000' },
    duration: { type: 'string' },
  },
});
const quietRuns = Number(values.quiet);
const starvedRuns = Number(values.starved);
const scenario = join(root, 'scenarios', `${values.scenario}.yaml`);
for (const [name, count] of [['--quiet', quietRuns], ['--starved', starvedRuns], ['--starved-rate', Number(values['starved-rate'])]] as const) {
  if (!Number.isInteger(count) || count < 0) {
    console.error(`${name}: expected a whole number >= 0`);
    process.exit(2);
  }
}
if (!existsSync(scenario)) {
  console.error(`--scenario: ${scenario} does not exist`);
  process.exit(2);
}
if (starvedRuns > 0 && spawnSync('taskset', ['--version']).status !== 0) {
  console.error('starved runs need taskset (util-linux); use --starved 0 without it');
  process.exit(2);
}

const dist = join(root, 'dist/cli/main.js');
const cli = existsSync(dist) ? [dist] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
const work = mkdtempSync(join(tmpdir(), 'pushbench-validity-'));
const children = new Set<ChildProcess>();
process.on('exit', () => {
  children.forEach((child) => child.kill('SIGKILL'));
  rmSync(work, { recursive: true, force: true });
});

function start(command: string, args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    child.once('exit', (code) => resolveExit(code));
  });
}

/** One run of the CLI; its result.json (undefined when it wrote none). */
async function runOnce(label: string, prefix: string[], extra: string[]): Promise<RunResult | undefined> {
  const out = join(work, label);
  const [command, ...args] = [...prefix, process.execPath, ...cli, 'run', scenario, '--out', out, ...(values.duration ? ['--duration', values.duration] : []), ...extra];
  const child = start(command!, args);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const code = await exited(child);
  const file = join(out, 'result.json');
  if (!existsSync(file)) {
    console.log(`${label}: exited ${code} without a result: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    return undefined;
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
}

/** A minimal node:http server pinned to CPU 1; resolves with its URL. */
async function startPinnedTarget(): Promise<{ url: string; child: ChildProcess }> {
  const child = start('taskset', ['-c', '1', process.execPath, '--import', 'tsx', join(root, 'bench/minimal-server.ts')], 'pipe');
  const port = await new Promise<string>((resolvePort, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolvePort(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the target exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

function busyLoopOnCpu0(): ChildProcess {
  return start('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}']);
}

interface Row {
  label: string;
  result: RunResult | undefined;
}

const ms = (us: number | undefined): string => (us === undefined ? '-' : (us / 1000).toFixed(2));
const pct = (share: number | undefined): string => (share === undefined ? '-' : `${(share * 100).toFixed(1)}%`);

function print(row: Row): void {
  const result = row.result;
  if (!result) return;
  const generator = result.validity.generators?.find((entry) => entry.sendLagP99Us !== undefined) ?? result.validity.generators?.[0];
  const nearest = result.validity.nearestBound;
  const latency = result.metrics['webhook.latency'];
  console.log(
    [
      row.label.padEnd(10),
      (result.validity.ok ? 'valid' : 'INVALID').padEnd(8),
      `${ms(generator?.sendLagP50Us)}/${ms(generator?.sendLagP90Us)}/${ms(generator?.sendLagP99Us)}`.padStart(17),
      ms(generator?.eventLoopDelayP90Us).padStart(8),
      pct(generator?.cpuShare).padStart(7),
      `${ms(generator?.runQueueWaitMeanUs)} ${pct(generator?.runQueueWaitShare)}`.padStart(13),
      pct(generator?.hostStealShare).padStart(6),
      ms(latency?.p99).padStart(9),
      nearest ? `${nearest.figure} ${nearest.unit === 'us' ? `${ms(nearest.value)} ms` : pct(nearest.value)} (${(nearest.ratio * 100).toFixed(0)}% of bound)` : '-',
    ].join('  '),
  );
  for (const reason of result.validity.reasons) console.log(`            invalid: ${reason}`);
  for (const warning of result.validity.warnings) console.log(`            warning: ${warning}`);
}

function tally(name: string, rows: readonly Row[]): string {
  const results = rows.flatMap((row) => (row.result ? [row.result] : []));
  const valid = results.filter((result) => result.validity.ok).length;
  const naming = results.filter((result) => result.validity.reasons.some((reason) => /^generator \(pid \d+\)/.test(reason))).length;
  const warned = results.filter((result) => result.validity.warnings.some((warning) => /^generator \(pid \d+\)/.test(warning) && !warning.includes('the host stole'))).length;
  const lags = results.flatMap((result) => result.validity.generators?.flatMap((entry) => (entry.sendLagP99Us === undefined ? [] : [entry.sendLagP99Us])) ?? []);
  const lagRange = lags.length === 0 ? '-' : `${ms(Math.min(...lags))}-${ms(Math.max(...lags))} ms`;
  const steals = results.flatMap((result) => result.validity.generators?.flatMap((entry) => (entry.hostStealShare === undefined ? [] : [entry.hostStealShare])) ?? []);
  const stealRange = steals.length === 0 ? '-' : `${pct(Math.min(...steals))}-${pct(Math.max(...steals))}`;
  const paused = results.filter((result) => result.validity.warnings.some((warning) => warning.includes('the host stole'))).length;
  return `${name.padEnd(8)} ${rows.length} runs: ${valid} valid, ${results.length - valid} invalid (${naming} name the generator), ${warned} with a generator warning, ${paused} with host steal over the bound, ${rows.length - results.length} without a result; sendLag p99 ${lagRange}; host steal ${stealRange}`;
}

const header = ['run'.padEnd(10), 'verdict'.padEnd(8), 'sendLag p50/90/99'.padStart(17), 'loop p90'.padStart(8), 'CPU'.padStart(7), 'rq wait mean %'.padStart(13), 'steal'.padStart(6), 'lat p99'.padStart(9), 'nearest its bound'].join('  ');
console.log(`validity bench: ${values.scenario}, ${quietRuns} quiet + ${starvedRuns} starved at ${values['starved-rate']}/s (times in ms)\n${header}`);

const quiet: Row[] = [];
for (let index = 0; index < quietRuns; index++) {
  const row = { label: `quiet ${index + 1}`, result: await runOnce(`quiet-${index}`, [], []) };
  print(row);
  quiet.push(row);
}

const starved: Row[] = [];
if (starvedRuns > 0) {
  const target = await startPinnedTarget();
  try {
    for (let index = 0; index < starvedRuns; index++) {
      const loops = [busyLoopOnCpu0(), busyLoopOnCpu0()];
      try {
        const row = { label: `starved ${index + 1}`, result: await runOnce(`starved-${index}`, ['taskset', '-c', '0'], ['--target', target.url, '--rate', values['starved-rate']]) };
        print(row);
        starved.push(row);
      } finally {
        for (const loop of loops) loop.kill('SIGKILL');
        await Promise.all(loops.map(exited));
      }
    }
  } finally {
    target.child.stdin!.end();
    await exited(target.child);
  }
}

console.log(`\n${tally('quiet', quiet)}\n${tally('starved', starved)}`);
