import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { parseResult } from '../../src/result/read-result.js';
import type { RunResult } from '../../src/result/run-result.js';
import { pushbench } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/servers.js';

/** Starting 4 tsx processes at once on 2 busy cores takes seconds: the common start leaves them this long. */
const START_LEAD_MS = 15_000;
const SHARDS = 4;

async function readJson(path: string): Promise<RunResult> {
  return parseResult(await readFile(path, 'utf8'), path);
}

/**
 * Proof of exactness: the same seeded open-model scenario, run as 1 shard and as 4 concurrent
 * shards with a common start, against one independent counting server (a plain node:http server
 * in this process, not pushbench's receiver).
 */
describe('4 shards do exactly what 1 run does', () => {
  let dir: string;
  let server: TestServer;
  const ids: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-shards-'));
    server = await startServer((_request, response, body) => {
      ids.push((JSON.parse(body) as { id: string }).id);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await writeFile(
      join(dir, 'exact.yaml'),
      `name: exact\nseed: 42\nwebhook:\n  target: ${server.url}\n  payload: { sizeBytes: 256 }\n  load: { model: open, rate: 500, pattern: ramp, ramp: { from: 100 }, duration: 2s, connections: 32 }\nthresholds:\n  webhook.latency: ["p99 < 10s"]\n`,
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the same requests, every one counted by the server and held in the merged histogram, all shards starting within 50 ms', async () => {
    const single = await pushbench(['run', join(dir, 'exact.yaml'), '--shard', '0/1', '--out', join(dir, 'single')]);
    expect(single.code, single.stderr + single.stdout).toBe(0);
    const one = await readJson(join(dir, 'single', 'result.json'));
    const singleIds = ids.splice(0);

    const startAt = String(Date.now() + START_LEAD_MS);
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_unused, index) =>
        pushbench(['run', join(dir, 'exact.yaml'), '--start-at', startAt, '--out', join(dir, 'shards', `shard-${index}`)], {
          env: { PUSHBENCH_SHARD: `${index}/${SHARDS}` },
        }),
      ),
    );
    // Four shards woken at the same instants on 2 cores wait for a CPU now and then.
    for (const [index, run] of runs.entries()) {
      expect(run.code, `shard ${index}: ${run.stderr}${run.stdout}`).toBe(0);
    }
    for (const run of runs) expect(run.stdout).toContain('thresholds: judged at merge');
    const merge = await pushbench(['merge', join(dir, 'shards'), '--out', join(dir, 'merged')]);
    const merged = await readJson(join(dir, 'merged', 'result.json'));
    expect(merge.code, merge.stderr + merge.stdout).toBe(0);
    const shardIds = ids.splice(0);

    // Total sent is identical, and it is the whole planned schedule (100 -> 500/s over 2 s).
    expect(one.counters['webhook.sent']).toBe(600);
    expect(merged.counters['webhook.sent']).toBe(one.counters['webhook.sent']);
    // The server's own count equals the merged ok count; the same event ids arrived, each once.
    expect(shardIds.length).toBe(merged.counters['webhook.ok']);
    expect(singleIds.length).toBe(one.counters['webhook.ok']);
    expect(new Set(shardIds).size).toBe(shardIds.length);
    expect([...shardIds].sort()).toEqual([...singleIds].sort());
    // The merged histogram holds every sample: one per request, the sum of the shards' counts.
    const shards = await Promise.all(Array.from({ length: SHARDS }, (_unused, index) => readJson(join(dir, 'shards', `shard-${index}`, 'result.json'))));
    const latency = merged.metrics['webhook.latency']!;
    expect(latency.count).toBe(merged.counters['webhook.sent']);
    expect(latency.count).toBe(shards.reduce((sum, shard) => sum + shard.metrics['webhook.latency']!.count, 0));
    expect(decodeHistogram(latency.hdr).totalCount).toBe(latency.count);
    expect(Math.max(...shards.map((shard) => shard.metrics['webhook.latency']!.max))).toBe(latency.max);
    // Every shard started within 50 ms of the others, and of the asked instant.
    expect(merged.merged!.startSpreadUs).toBeLessThan(50_000);
    for (const shard of shards) expect(Math.abs(shard.shard!.startSkewUs)).toBeLessThan(50_000);
    expect(new Set(shards.map((shard) => shard.shard!.planHash)).size).toBe(1);
    // Thresholds were judged on the merged result, not on the shards.
    expect(shards.every((shard) => shard.thresholds === undefined)).toBe(true);
    expect(merged.thresholds?.[0]).toMatchObject({ metric: 'webhook.latency', pass: true });
    expect(merged.validity.ok, merged.validity.reasons.join('; ')).toBe(true);
  }, 90_000);
});
