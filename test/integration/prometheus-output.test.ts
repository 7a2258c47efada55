import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_BOUNDS_US } from '../../src/outputs/prometheus/buckets.js';
import { counterName, histogramName } from '../../src/outputs/prometheus/series.js';
import { parseResult } from '../../src/result/read-result.js';
import type { RunResult } from '../../src/result/run-result.js';
import { pushbench, type CliRun } from '../helpers/cli.js';
import { startServer } from '../helpers/servers.js';
import { freePort, HAVE_PROMETHEUS, NO_PROMETHEUS_MESSAGE, startPrometheus, type RealPrometheus } from '../helpers/prometheus.js';

if (!HAVE_PROMETHEUS) console.warn(`skipping the Prometheus remote-write tests: ${NO_PROMETHEUS_MESSAGE}`);

async function readJson(path: string): Promise<RunResult> {
  return parseResult(await readFile(path, 'utf8'), path);
}

async function expectRunOk(run: CliRun, resultPath: string): Promise<RunResult> {
  expect(existsSync(resultPath), `exit ${run.code}: ${run.stderr}`).toBe(true);
  const result = await readJson(resultPath);
  expect(run.code, result.validity.reasons.join('; ') || run.stderr).toBe(0);
  return result;
}

/** Index of the `le` bucket a value (µs) falls in: the first bound at or above it. */
function bucketIndex(valueUs: number): number {
  const index = BUCKET_BOUNDS_US.findIndex((bound) => bound >= valueUs - 1e-6);
  return index === -1 ? BUCKET_BOUNDS_US.length : index;
}

const SCENARIO = (name: string, rate: number, duration: string): string =>
  `name: ${name}\nseed: 7\nwebhook:\n  payload: { sizeBytes: 200 }\n  load: { model: open, rate: ${rate}, duration: ${duration}, connections: 16 }\n  receiver: { errorRate: 0.05, errorStatus: 503 }\noutputs:\n  prometheus: { url: http://127.0.0.1:1/never-used, interval: 1s, labels: { team: bench } }\n`;

describe.skipIf(!HAVE_PROMETHEUS)('Prometheus remote write into a real Prometheus (started by the test, queried over its HTTP API)', () => {
  let prometheus: RealPrometheus;
  let dir: string;

  beforeAll(async () => {
    prometheus = await startPrometheus();
    dir = await mkdtemp(join(tmpdir(), 'pushbench-prom-'));
  }, 30_000);
  afterAll(async () => {
    await prometheus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('after a run every counter equals result.json, every histogram count too, and p99 lands within one bucket', async () => {
    await writeFile(join(dir, 'one.yaml'), SCENARIO("prom-one", 200, "3s"));
    const out = join(dir, 'one');
    // --prometheus replaces the scenario's (unreachable) URL.
    const run = await pushbench(['run', join(dir, 'one.yaml'), '--prometheus', prometheus.writeUrl, '--testid', 'one', '--out', out]);
    const result = await expectRunOk(run, join(out, 'result.json'));
    expect(run.stderr).toContain('testid=one shard=0');
    expect(result.counters["webhook.sent"]).toBe(600);
    expect(result.counters['output.prometheus.failures']).toBe(0);
    expect(result.counters['webhook.errors.5xx']).toBeGreaterThan(0);
    expect(result.validity.warnings.join('\n')).not.toContain('prometheus');

    const counters = Object.entries(result.counters);
    expect(counters.length).toBeGreaterThan(10);
    for (const [name, value] of counters) {
      const series = await prometheus.query(`${counterName(name)}{testid="one"}`);
      expect(series, name).toHaveLength(1);
      expect(series[0]!.metric).toMatchObject({ scenario: 'prom-one', shard: '0', team: 'bench', testid: 'one' });
      expect(series[0]!.value, name).toBe(value);
    }
    expect((await prometheus.query('pushbench_webhook_ok_total{testid="one"}'))[0]!.value).toBe(result.counters['webhook.ok']);

    const metrics = Object.entries(result.metrics);
    expect(metrics.map(([name]) => name)).toContain('webhook.latency');
    for (const [name, summary] of metrics) {
      const base = histogramName(name);
      const [count] = await prometheus.query(`${base}_count{testid="one"}`);
      expect(count!.value, name).toBe(summary.count);
      const [inf] = await prometheus.query(`${base}_bucket{testid="one",le="+Inf"}`);
      expect(inf!.value, name).toBe(summary.count);
      const [p99] = await prometheus.query(`histogram_quantile(0.99, sum by (le) (${base}_bucket{testid="one"}))`);
      expect(Math.abs(bucketIndex(p99!.value * 1e6) - bucketIndex(summary.p99)), `${name}: prometheus ${p99!.value} s, HDR ${summary.p99} µs`).toBeLessThanOrEqual(1);
      const [p50] = await prometheus.query(`histogram_quantile(0.5, sum by (le) (${base}_bucket{testid="one"}))`);
      expect(Math.abs(bucketIndex(p50!.value * 1e6) - bucketIndex(summary.p50)), name).toBeLessThanOrEqual(1);
    }

    // Every series is written on every tick, changed or not: a counter that stays 0 has as many samples as one that moves.
    // (receiver.* counters come from the receiver process at the end, so they first appear in the final write.)
    expect(result.counters['webhook.payload.exhausted']).toBe(0);
    const [still] = await prometheus.query('count_over_time(pushbench_webhook_payload_exhausted_total{testid="one"}[10m])');
    const [moving] = await prometheus.query('count_over_time(pushbench_webhook_sent_total{testid="one"}[10m])');
    expect(moving!.value).toBeGreaterThanOrEqual(3); // 3 s of load at a 1 s interval, then the final write
    expect(still!.value).toBe(moving!.value);
    // Gauges: open connections, in-flight requests, generator health.
    for (const gauge of ['pushbench_open_connections', 'pushbench_in_flight_requests', 'pushbench_generator_cpu_utilization', 'pushbench_generator_event_loop_delay_p99_seconds']) {
      expect(await prometheus.query(`${gauge}{testid="one"}`), gauge).toHaveLength(1);
    }
  }, 60_000);

  it('4 shards with one --start-at write one testid: their sums equal the merged result, each shard its own series', async () => {
    // One counting server in this process, not a receiver per shard: 4 shards starting 4 more child processes on 2 busy cores time out.
    let received = 0;
    const server = await startServer((_request, response) => {
      received++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      await writeFile(
        join(dir, 'four.yaml'),
        `name: prom-four\nseed: 7\nwebhook:\n  target: ${server.url}\n  payload: { sizeBytes: 200 }\n  load: { model: open, rate: 200, duration: 2s, connections: 16 }\n`,
      );
      const startAt = Date.now() + 15_000; // 4 tsx processes starting on 2 cores take several seconds
      const runs = await Promise.all(
        Array.from({ length: 4 }, (_unused, index) =>
          pushbench(['run', join(dir, 'four.yaml'), '--shard', `${index}/4`, '--start-at', String(startAt), '--out', join(dir, 'four', `shard-${index}`)], {
            env: { PUSHBENCH_PROMETHEUS_URL: prometheus.writeUrl },
          }),
        ),
      );
      for (const [index, run] of runs.entries()) await expectRunOk(run, join(dir, 'four', `shard-${index}`, 'result.json'));
      const merge = await pushbench(['merge', join(dir, 'four'), '--out', join(dir, 'four-merged')]);
      const merged = await expectRunOk(merge, join(dir, 'four-merged', 'result.json'));
      expect(merged.counters['webhook.sent']).toBe(400);
      expect(merged.counters['webhook.ok']).toBe(received);

      const testid = new Date(startAt).toISOString(); // derived from --start-at: the same in every shard
      for (const [name, value] of Object.entries(merged.counters)) {
        const perShard = await prometheus.query(`${counterName(name)}{testid="${testid}"}`);
        expect(perShard.map((series) => series.metric.shard).sort(), name).toEqual(['0', '1', '2', '3']);
        const [sum] = await prometheus.query(`sum(${counterName(name)}{testid="${testid}"})`);
        expect(sum!.value, name).toBe(value);
      }
      const latency = merged.metrics['webhook.latency']!;
      const [count] = await prometheus.query(`sum(pushbench_webhook_latency_seconds_count{testid="${testid}"})`);
      expect(count!.value).toBe(latency.count);
      const [p99] = await prometheus.query(`histogram_quantile(0.99, sum by (le) (pushbench_webhook_latency_seconds_bucket{testid="${testid}"}))`);
      expect(Math.abs(bucketIndex(p99!.value * 1e6) - bucketIndex(latency.p99))).toBeLessThanOrEqual(1);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a WebSocket run: the client shards\' per-second ticks reach Prometheus live, and the final write equals result.json', async () => {
    await writeFile(
      join(dir, 'ws.yaml'),
      'name: prom-ws\nwebsocket:\n  connections: 100\n  connectRate: 500\n  hold: 3s\n  echo: { rate: 2, sizeBytes: 64 }\noutputs:\n  prometheus: { url: http://127.0.0.1:1/replaced, interval: 1s }\n',
    );
    const out = join(dir, 'ws');
    const run = await pushbench(['run', join(dir, 'ws.yaml'), '--prometheus', prometheus.writeUrl, '--testid', 'ws', '--out', out]);
    const result = await expectRunOk(run, join(out, 'result.json'));
    expect(result.counters['ws.connections.opened']).toBe(100);
    for (const [name, value] of Object.entries(result.counters)) {
      const [series] = await prometheus.query(`${counterName(name)}{testid="ws"}`);
      expect(series?.value, name).toBe(value);
    }
    for (const [name, summary] of Object.entries(result.metrics)) {
      const [count] = await prometheus.query(`${histogramName(name)}_count{testid="ws"}`);
      expect(count?.value, name).toBe(summary.count);
    }
    // Live, not only at the end: the shards' echo counts were written while the hold went on.
    const [samples] = await prometheus.query('count_over_time(pushbench_ws_messages_sent_total{testid="ws"}[10m])');
    expect(samples!.value).toBeGreaterThanOrEqual(3);
    const [maxOpen] = await prometheus.query('max_over_time(pushbench_ws_connections{testid="ws"}[10m])');
    expect(maxOpen!.value).toBe(100);
    // The echo latency too: written while the hold went on (the shards' per-tick samples), growing
    // to result.json's count at the final write.
    const echoCount = `${histogramName('ws.echo')}_count{testid="ws"}`;
    const [echoWrites] = await prometheus.query(`count_over_time(${echoCount}[10m])`);
    expect(echoWrites!.value).toBeGreaterThanOrEqual(3);
    const [firstEcho] = await prometheus.query(`min_over_time(${echoCount}[10m])`);
    expect(firstEcho!.value).toBeGreaterThan(0);
    expect(firstEcho!.value).toBeLessThan(result.metrics['ws.echo']!.count);
    // ...and into the progress line and result.json's timeline, second by second.
    expect(run.stderr).toMatch(/p99 \d/);
    expect(result.timeline.filter((point) => point.p99Us['ws.echo'] !== undefined).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a Prometheus that is down changes nothing but one warning and output.prometheus.failures', async () => {
    await writeFile(join(dir, 'down.yaml'), SCENARIO('prom-down', 200, '2s'));
    const downUrl = `http://127.0.0.1:${await freePort()}/api/v1/write`;
    const out = join(dir, 'down');
    const run = await pushbench(['run', join(dir, 'down.yaml'), '--out', out], { env: { PUSHBENCH_PROMETHEUS_URL: downUrl } });
    // The writes, their retries and backoff run in a worker thread: the run is valid, exit 0.
    const result = await expectRunOk(run, join(out, 'result.json'));
    expect(result.validity.ok).toBe(true);
    expect(result.validity.reasons).toEqual([]);
    expect(result.counters['webhook.sent']).toBe(400);
    expect(result.counters['webhook.ok']! + result.counters['webhook.errors.5xx']!).toBe(400);
    expect(result.metrics['webhook.latency']!.count).toBe(400);
    // Every write failed (periodic ones while targets start and load runs, then the final one), and each is counted.
    const failures = result.counters['output.prometheus.failures']!;
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(run.stderr.match(/remote write to \S+ failed/g)).toHaveLength(1);
    expect(run.stderr).toContain('ECONNREFUSED');
    const warning = result.validity.warnings.find((line) => line.startsWith('prometheus remote write'));
    expect(warning).toContain(`prometheus remote write to ${downUrl}: ${failures} of ${failures} writes failed (last: connect ECONNREFUSED`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});
