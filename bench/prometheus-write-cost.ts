/**
 * What one Prometheus remote write costs the generator's thread, on both paths:
 * - `inLoop`: the path before the write worker: building every series from the recorder's HDR
 *   histograms (cumulative `le` buckets) and counters, then the protobuf + snappy encoding, all on
 *   the calling thread;
 * - `worker`: the path a run takes now (PrometheusOutput): the snapshot (counters, gauges, each
 *   histogram's HDR slot counts copied into a typed array), posting it to the real remote-write
 *   worker thread with its buffers transferred, and taking its outcome back. The worker builds,
 *   encodes and POSTs to a port that refuses (no retries): the send's own cost is the worker's.
 *
 *   npx tsx bench/prometheus-write-cost.ts [metrics=6] [samplesPerMetric=100000] [counters=20] [writes=50]
 *
 * Prints one JSON line: { series, bytes, inLoop: { mainThreadCpuMs }, worker: { mainThreadCpuMs,
 * syncMs, otherThreadsCpuMs } }, each { p50, max } per write over the writes after the first 5
 * (warm). mainThreadCpuMs is this thread's on-CPU time (/proc/thread-self/schedstat, ns; Linux), so
 * other threads (the worker, GC helpers) do not count in it; otherThreadsCpuMs is the process's CPU
 * minus it. Samples are log-uniform from 10 µs to 10 s.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Recorder } from '../src/metrics/recorder.js';
import { GeneratorHealth } from '../src/outputs/generator-health.js';
import { buildSeries } from '../src/outputs/prometheus/series.js';
import { encodeWriteRequest } from '../src/outputs/prometheus/write-request.js';
import { takeSnapshot } from '../src/outputs/prometheus/write-snapshot.js';
import { RemoteWriteWorker } from '../src/outputs/prometheus/write-worker.js';

const [metrics = 6, samples = 100_000, counters = 20, writes = 50] = process.argv.slice(2).map(Number);
const WARM = 5;

/** This thread's on-CPU time so far, in ms. */
function threadCpuMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}
function processCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}
const stats = (values: number[]): { p50: number; max: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3)), max: Number(sorted.at(-1)!.toFixed(3)) };
};

const recorder = new Recorder();
for (let m = 0; m < metrics; m++) for (let i = 0; i < samples; i++) recorder.record(`metric${m}.latency`, 10 * 10 ** (Math.random() * 6));
for (let c = 0; c < counters; c++) recorder.count(`area.counter${c}`, c * 1_000);
const source = { recorder, levels: () => undefined };
const labels = { scenario: 'bench', shard: '0', testid: 'bench' };

// The former path: everything on this thread.
const inLoopCpu: number[] = [];
let series = 0;
let bytes = 0;
for (let write = 0; write < writes; write++) {
  const start = threadCpuMs();
  const { snapshot } = takeSnapshot(source, undefined, 0);
  const built = buildSeries(snapshot, labels, Date.now() + write);
  const body = encodeWriteRequest(built);
  if (write >= WARM) inLoopCpu.push(threadCpuMs() - start);
  series = built.length;
  bytes = body.length;
}

// The path a run takes: snapshot here, the rest in the worker thread.
const refusingPort = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const keepAlive = setInterval(() => undefined, 1_000); // the worker never keeps a process alive: this waits for its outcomes
const worker = new RemoteWriteWorker({ url: `http://127.0.0.1:${refusingPort}/api/v1/write`, labels });
const health = new GeneratorHealth();
const options = { timeoutMs: 2_000, retries: 0, backoffMs: 0 };
const workerCpu: number[] = [];
const syncWall: number[] = [];
const otherCpu: number[] = [];
const problems = new Set<string>();
for (let write = 0; write < writes; write++) {
  const startThread = threadCpuMs();
  const startProcess = processCpuMs();
  const startWall = performance.now();
  const { snapshot, transfer } = takeSnapshot(source, health, 0);
  const outcome = worker.write({ final: false, timestampMs: Date.now() + write, options, snapshot }, transfer);
  const sync = performance.now() - startWall;
  const result = await outcome;
  const thread = threadCpuMs() - startThread;
  if (!result.ok) problems.add(result.problem ?? 'unknown');
  if (write >= WARM) {
    workerCpu.push(thread);
    syncWall.push(sync);
    otherCpu.push(processCpuMs() - startProcess - thread);
  }
}
await worker.stop('bench done');
clearInterval(keepAlive);
health.stop();
recorder.close();
process.stdout.write(
  `${JSON.stringify({
    series,
    bytes,
    inLoop: { mainThreadCpuMs: stats(inLoopCpu) },
    worker: { mainThreadCpuMs: stats(workerCpu), syncMs: stats(syncWall), otherThreadsCpuMs: stats(otherCpu), outcomes: [...problems] },
  })}\n`,
);
