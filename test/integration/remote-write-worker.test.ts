import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/metrics/recorder.js';
import { BUCKET_BOUNDS_US } from '../../src/outputs/prometheus/buckets.js';
import { buildSeries, counterName } from '../../src/outputs/prometheus/series.js';
import { decodeWriteRequest } from '../../src/outputs/prometheus/write-request.js';
import { PrometheusOutput } from '../../src/outputs/prometheus/prometheus-output.js';
import { FAILURES_COUNTER, takeSnapshot } from '../../src/outputs/prometheus/write-snapshot.js';
import { RemoteWriteWorker } from '../../src/outputs/prometheus/write-worker.js';
import { ROOT } from '../helpers/cli.js';

/** A real HTTP server on 127.0.0.1:0: `answer(n)` is the status for the n-th request (1-based), or undefined to never answer. */
async function endpoint(answer: (n: number) => number | undefined): Promise<{ url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      const status = answer(bodies.length);
      if (status !== undefined) response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, bodies };
}

const servers: Server[] = [];
const workers: RemoteWriteWorker[] = [];
const recorders: Recorder[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop('test over');
  for (const recorder of recorders.splice(0)) recorder.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const LABELS = { scenario: 'worker-test', shard: '0', testid: 'w-1' };
const PERIODIC = { timeoutMs: 10_000, retries: 2, backoffMs: 250 };

function filledRecorder(): Recorder {
  const recorder = new Recorder();
  recorders.push(recorder);
  for (let i = 1; i <= 1_000; i++) recorder.record('webhook.latency', i * 37);
  recorder.count('webhook.ok', 7);
  recorder.count('webhook.errors.5xx', 0);
  recorder.gauge('webhook.connections.open', 16);
  return recorder;
}

function startWorker(url: string): RemoteWriteWorker {
  const worker = new RemoteWriteWorker({ url, labels: LABELS });
  workers.push(worker);
  return worker;
}

describe('the remote-write worker thread (started from sources through tsx, as the CLI from sources does)', () => {
  it('builds, encodes and POSTs the snapshot it is handed: the server decodes exactly the series built here from a copy; the slot buffers were moved, not copied', async () => {
    const { url, bodies } = await endpoint(() => 204);
    const worker = startWorker(url);
    const source = { recorder: filledRecorder(), levels: () => undefined };
    const { snapshot, transfer } = takeSnapshot(source, undefined, 0);
    const expected = buildSeries(structuredClone(snapshot), LABELS, 1_700_000_000_000);
    expect(await worker.write({ final: false, timestampMs: 1_700_000_000_000, options: PERIODIC, snapshot }, transfer)).toEqual({ ok: true });
    expect(snapshot.histograms[0]![1].slots.length).toBe(0); // detached: the worker has the buffer now

    expect(bodies).toHaveLength(1);
    const received = decodeWriteRequest(bodies[0]!);
    expect(received).toEqual(expected);
    const value = (name: string, le?: string): number | undefined =>
      received.find((one) => one.labels.some((l) => l.name === '__name__' && l.value === name) && (le === undefined || one.labels.some((l) => l.name === 'le' && l.value === le)))
        ?.samples[0]!.value;
    expect(value(counterName('webhook.ok'))).toBe(7);
    expect(value(counterName(FAILURES_COUNTER))).toBe(0);
    expect(value('pushbench_webhook_latency_seconds_count')).toBe(1_000);
    expect(value('pushbench_webhook_latency_seconds_bucket', '+Inf')).toBe(1_000);
    expect(value('pushbench_webhook_connections_open')).toBe(16);
    expect(received.filter((one) => one.labels.some((l) => l.value === 'pushbench_webhook_latency_seconds_bucket'))).toHaveLength(BUCKET_BOUNDS_US.length + 1);
  }, 30_000);

  it('the final write abandons a write under way (superseded, with that reason) and goes out at once', async () => {
    const { url, bodies } = await endpoint((n) => (n === 1 ? undefined : 204)); // the first request is never answered
    const worker = startWorker(url);
    const source = { recorder: filledRecorder(), levels: () => undefined };
    const first = takeSnapshot(source, undefined, 0);
    const periodic = worker.write({ final: false, timestampMs: 1_700_000_000_000, options: PERIODIC, snapshot: first.snapshot }, first.transfer);
    const deadline = Date.now() + 20_000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bodies).toHaveLength(1);
    const started = Date.now();
    const last = takeSnapshot(source, undefined, 0);
    const final = worker.write({ final: true, timestampMs: 1_700_000_001_000, options: { timeoutMs: 2_000, retries: 1, backoffMs: 200 }, snapshot: last.snapshot }, last.transfer);
    expect(await periodic).toEqual({ ok: false, problem: 'abandoned for the final write', superseded: true });
    expect(await final).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(3_000); // not the periodic write's 10 s timeout
    expect(bodies).toHaveLength(2);
    expect(decodeWriteRequest(bodies[1]!)[0]!.samples[0]!.timestamp).toBe(1_700_000_001_000);
  }, 30_000);

  it('a write that cannot be built is a failed write with its cause, and the worker goes on', async () => {
    const { url, bodies } = await endpoint(() => 204);
    const worker = startWorker(url);
    const bad = { histograms: [['webhook.latency', { slots: new Uint32Array(3), count: 1, layoutLength: 7 }] as const], counters: [], gauges: [] };
    const outcome = await worker.write({ final: false, timestampMs: 1, options: PERIODIC, snapshot: bad }, []);
    expect(outcome.ok).toBe(false);
    expect(outcome.problem).toMatch(/a histogram of 7 slots is not pushbench's layout/);
    const { snapshot, transfer } = takeSnapshot({ recorder: filledRecorder(), levels: () => undefined }, undefined, 1);
    expect(await worker.write({ final: false, timestampMs: 2, options: PERIODIC, snapshot }, transfer)).toEqual({ ok: true });
    expect(bodies).toHaveLength(1);
  }, 30_000);

  it('an exception thrown in the worker (here: at its start, on a URL it cannot parse) fails each write with it, never the caller', async () => {
    const worker = startWorker('not a url');
    const { snapshot, transfer } = takeSnapshot({ recorder: filledRecorder(), levels: () => undefined }, undefined, 0);
    const outcome = await worker.write({ final: false, timestampMs: 1, options: PERIODIC, snapshot }, transfer);
    expect(outcome.ok).toBe(false);
    expect(outcome.problem).toMatch(/^the write worker failed: .*Invalid URL/);
    const later = takeSnapshot({ recorder: filledRecorder(), levels: () => undefined }, undefined, 1);
    expect(await worker.write({ final: true, timestampMs: 2, options: PERIODIC, snapshot: later.snapshot }, later.transfer)).toEqual(outcome);
  }, 30_000);

  it('stop() fails every write under way and every later one with its reason, and ends the thread', async () => {
    const { url } = await endpoint(() => undefined); // never answers
    const worker = startWorker(url);
    const { snapshot, transfer } = takeSnapshot({ recorder: filledRecorder(), levels: () => undefined }, undefined, 0);
    const underWay = worker.write({ final: false, timestampMs: 1, options: PERIODIC, snapshot }, transfer);
    const started = Date.now();
    await worker.stop('the run ended');
    expect(await underWay).toEqual({ ok: false, problem: 'the run ended' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const later = takeSnapshot({ recorder: filledRecorder(), levels: () => undefined }, undefined, 0);
    expect(await worker.write({ final: true, timestampMs: 2, options: PERIODIC, snapshot: later.snapshot }, later.transfer)).toEqual({ ok: false, problem: 'the run ended' });
  }, 30_000);

  it('never keeps a process alive: one that started a worker with a write hanging in it exits by itself', async () => {
    const { url, bodies } = await endpoint(() => undefined); // never answers: the worker holds an open socket
    const module = join(ROOT, 'src/outputs/prometheus/write-worker.ts');
    const script = [
      `import { RemoteWriteWorker } from ${JSON.stringify(module)};`,
      `const worker = new RemoteWriteWorker({ url: ${JSON.stringify(url)}, labels: {} });`,
      `void worker.write({ final: false, timestampMs: 1, options: { timeoutMs: 60000, retries: 0, backoffMs: 0 }, snapshot: { histograms: [], counters: [['x', 1]], gauges: [] } }, []);`,
      // Stay until the write reached the server, then leave the event loop empty.
      `await new Promise((resolve) => process.once('message', resolve)); process.disconnect();`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (bodies.length === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bodies, stderr).toHaveLength(1);
    const sentAt = Date.now();
    child.send('go');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(killer);
    expect(code, stderr).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(20_000); // exited by itself, with the 60 s write still under way
  }, 60_000);
});

describe('PrometheusOutput at the run\'s end (in this process, against real HTTP servers)', () => {
  const POINT = { second: 0 } as never; // onSecond ignores the closed second's figures
  const IDENTITY = { testid: 'end-1', scenario: 'end', shard: 0 };

  async function untilReceived(bodies: Buffer[], count: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (bodies.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bodies.length).toBeGreaterThanOrEqual(count);
  }

  it('a Prometheus that never answers holds the end 6 s at most; the final write is one counted failure, warned about once', async () => {
    const { url, bodies } = await endpoint(() => undefined);
    const lines: string[] = [];
    const output = new PrometheusOutput({ url: new URL(url), intervalUs: 1_000_000, labels: {} }, (line) => lines.push(line));
    output.start({ recorder: filledRecorder(), levels: () => undefined }, IDENTITY);
    output.onSecond(POINT);
    await untilReceived(bodies, 1); // the worker is up and the periodic write hangs
    const started = Date.now();
    await output.finish();
    const heldMs = Date.now() - started;
    expect(heldMs).toBeLessThan(6_500); // 1 s grace + 5 s for the final (its own 2 x 2 s + 200 ms)
    expect(heldMs).toBeGreaterThanOrEqual(4_000); // it did wait for the final write's two timed-out attempts
    expect(output.counters()).toEqual({ [FAILURES_COUNTER]: 1 }); // the abandoned periodic write is no failure of its own
    expect(output.warnings()).toEqual([`prometheus remote write to ${url}: 1 of 1 writes failed (last: no answer within 2000 ms); the live series have gaps, result.json is complete`]);
    expect(lines.filter((line) => line.includes('failed'))).toEqual([
      `pushbench: prometheus remote write to ${url} failed (no answer within 2000 ms); the run goes on, failed writes are counted in ${FAILURES_COUNTER}`,
    ]);
  }, 30_000);

  it('a periodic write still under way at the end is superseded by the final one, which carries the final counts: no failure', async () => {
    const { url, bodies } = await endpoint((n) => (n === 1 ? undefined : 204));
    const output = new PrometheusOutput({ url: new URL(url), intervalUs: 1_000_000, labels: {} }, () => undefined);
    const recorder = filledRecorder();
    output.start({ recorder, levels: () => undefined }, IDENTITY);
    output.onSecond(POINT);
    await untilReceived(bodies, 1);
    recorder.count('webhook.ok', 5);
    const started = Date.now();
    await output.finish();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(output.counters()).toEqual({ [FAILURES_COUNTER]: 0 });
    expect(output.warnings()).toEqual([]);
    expect(bodies).toHaveLength(2);
    const final = decodeWriteRequest(bodies[1]!);
    const ok = final.find((one) => one.labels.some((l) => l.name === '__name__' && l.value === counterName('webhook.ok')));
    expect(ok!.samples[0]!.value).toBe(12);
    expect(ok!.labels).toContainEqual({ name: 'testid', value: 'end-1' });
  }, 30_000);
});
