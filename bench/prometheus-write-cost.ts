/**
 * What one Prometheus remote write costs the generator's event loop: building every series from the
 * recorder's HDR histograms (cumulative `le` buckets) and counters, then the protobuf + snappy
 * encoding. No network: the send itself is asynchronous I/O.
 *
 *   npx tsx bench/prometheus-write-cost.ts [metrics=6] [samplesPerMetric=100000] [counters=20] [writes=50]
 *
 * Prints one JSON line: { series, bytes, cpuMsPerWrite: { p50, max }, wallMsPerWrite: { p50, max } }
 * over the writes after the first 5 (warm). Samples are log-uniform from 10 µs to 10 s.
 */
import { createHistogram, recordUs, type Histogram } from '../src/metrics/histogram.js';
import { buildSeries } from '../src/outputs/prometheus/series.js';
import { encodeWriteRequest } from '../src/outputs/prometheus/write-request.js';

const [metrics = 6, samples = 100_000, counters = 20, writes = 50] = process.argv.slice(2).map(Number);
const histograms: Array<[string, Histogram]> = [];
for (let m = 0; m < metrics; m++) {
  const histogram = createHistogram();
  for (let i = 0; i < samples; i++) recordUs(histogram, 10 * 10 ** (Math.random() * 6));
  histograms.push([`metric${m}.latency`, histogram]);
}
const counterEntries = Array.from({ length: counters }, (_unused, i): [string, number] => [`area.counter${i}`, i * 1_000]);
const labels = { scenario: 'bench', shard: '0', testid: 'bench' };
const cpu: number[] = [];
const wall: number[] = [];
let series = 0;
let bytes = 0;
for (let write = 0; write < writes; write++) {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const built = buildSeries({ histograms, counters: counterEntries, gauges: [['pushbench_open_connections', 1]] }, labels, Date.now() + write);
  const body = encodeWriteRequest(built);
  const used = process.cpuUsage(cpuStart);
  if (write >= 5) {
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - wallStart);
  }
  series = built.length;
  bytes = body.length;
}
const stats = (values: number[]): { p50: number; max: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2)), max: Number(sorted.at(-1)!.toFixed(2)) };
};
process.stdout.write(`${JSON.stringify({ series, bytes, cpuMsPerWrite: stats(cpu), wallMsPerWrite: stats(wall) })}\n`);
