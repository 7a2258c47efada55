import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult } from '../../src/result/read-result.js';
import { pushbench } from '../helpers/cli.js';

const hasTaskset = process.platform === 'linux' && spawnSync('taskset', ['--version']).status === 0;

/** A plain node:http server answering 200, pinned to CPU 1; it prints its port and exits when stdin closes. */
const TARGET = `
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.end('ok'));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * The generator starved on purpose, as issue 22 describes it: pinned to CPU 0 beside two busy loops
 * also pinned to CPU 0, the target alone on CPU 1. Its sends wait for the CPU, so its numbers are
 * its own delay: the run must be INVALID and name the generator.
 */
describe.skipIf(!hasTaskset)('a starved generator', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  let targetUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-starved-'));
    const target = spawn('taskset', ['-c', '1', process.execPath, '-e', TARGET], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(target);
    const port = await new Promise<string>((resolve, reject) => {
      target.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      target.once('exit', (code) => reject(new Error(`the target exited with ${code}`)));
    });
    targetUrl = `http://127.0.0.1:${port}/hook`;
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('is INVALID, and the reason names the generator, the figure and its bound', async () => {
    const scenario = join(dir, 'starved.yaml');
    await writeFile(
      scenario,
      ['name: starved', 'webhook:', `  target: ${targetUrl}`, '  payload: { sizeBytes: 256 }', '  load: { model: open, rate: 2000, duration: 3s }', ''].join('\n'),
    );
    const loops = [0, 1].map(() => spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' }));
    children.push(...loops);
    let run;
    try {
      run = await pushbench(['run', scenario, '--out', join(dir, 'out')], { prefix: ['taskset', '-c', '0'] });
    } finally {
      for (const loop of loops) loop.kill('SIGKILL');
    }
    expect(run.code, run.stderr + run.stdout).toBe(3);
    const result = parseResult(await readFile(join(dir, 'out', 'result.json'), 'utf8'), 'result.json');
    expect(result.validity.ok).toBe(false);
    // Every request was still sent and answered: the verdict is about the generator, not the target.
    expect(result.counters['webhook.sent']).toBe(6_000);
    expect(result.counters['webhook.ok']).toBe(6_000);
    const named = result.validity.reasons.filter((reason) => reason.startsWith(`generator (pid ${run.pid}): `));
    expect(named.length, result.validity.reasons.join('\n')).toBeGreaterThan(0);
    for (const reason of named) expect(reason).toMatch(/: (sendLag p99|event-loop delay p90|event-loop delay p99|mean run-queue wait per wake-up|run-queue wait share|achieved share of the schedule in its worst second) [\d.]+( ms|%) \(bound [\d.]+( ms|%)\)/);
    const generator = result.validity.generators?.find((entry) => entry.pid === run.pid);
    expect(generator?.dispatched).toBe(6_000);
    expect(generator?.runQueueWaitMeanUs).toBeGreaterThan(0);
    expect(result.validity.nearestBound?.process).toBe(`generator (pid ${run.pid})`);
    expect(result.validity.nearestBound?.ratio).toBeGreaterThan(1);
    expect(run.stdout).toMatch(new RegExp(`validity +INVALID \\(nearest its bound: generator \\(pid ${run.pid}\\) `));
  }, 90_000);
});
