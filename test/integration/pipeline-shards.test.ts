import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { parseResult } from '../../src/result/read-result.js';
import type { RunResult } from '../../src/result/run-result.js';
import { pushbench } from '../helpers/cli.js';
import { startStripeSocketIoBackend, STRIPE_SECRET, type Backend } from '../helpers/pipeline-backends.js';

/**
 * Two tsx processes loading at once on 2 busy cores are ready after 3-5 s. The lead is no longer than
 * that needs: a shard waiting for the start wakes every 20 ms (its event-loop monitor), and on a busy
 * box each wake-up waits for a CPU, which pushes its run-queue wait share over the validity bound.
 */
const START_LEAD_MS = 7_000;
const SUBSCRIBERS = 6;
const EVENTS = 50;

async function readJson(path: string): Promise<RunResult> {
  return parseResult(await readFile(path, 'utf8'), path);
}

/**
 * The same seeded pipeline against one backend outside pushbench (Stripe's library verifies each
 * webhook, a Socket.IO server broadcasts it), run as one process and as 2 shard processes with a
 * common start: each shard sends half the webhooks and holds half the subscribers, so every event
 * one shard sent is also timed by the other shard's subscribers.
 */
describe('a 2-shard pipeline run merges to what one process measures', () => {
  let dir: string;
  let backend: Backend;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-pipeline-shards-'));
    backend = await startStripeSocketIoBackend();
    await writeFile(
      join(dir, 'pipeline.yaml'),
      `name: pipeline-shards
seed: 7
pipeline:
  ingest:
    target: http://127.0.0.1:${backend.port}/hook
    signing: { scheme: stripe, secret: ${STRIPE_SECRET} }
    payload:
      template: '{"id":"{{id}}","object":"event","type":"payment_intent.succeeded","created":{{timestamp}},"data":{"object":{"id":"pi_{{seq}}"}}}'
    load: { model: open, rate: 25, duration: 2s }
  subscribers:
    websocket:
      target: ws://127.0.0.1:${backend.port}
      protocol: socketio
      event: stripe-event
      connections: ${SUBSCRIBERS}
      connectRate: 100
  drain: 1s
`,
    );
    await writeFile(
      join(dir, 'builtin.yaml'),
      'name: pipeline-builtin\npipeline:\n  ingest:\n    load: { model: open, rate: 10, duration: 1s }\n  subscribers:\n    websocket: { connections: 2 }\n',
    );
  });
  afterAll(async () => {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('same events, expected, delivered and missing as one process and as the backend counted; one pipeline.last sample per accepted event', async () => {
    const single = await pushbench(['run', join(dir, 'pipeline.yaml'), '--out', join(dir, 'single')]);
    expect(single.code, single.stderr + single.stdout).toBe(0);
    const one = await readJson(join(dir, 'single', 'result.json'));
    const acceptedBySingle = backend.accepted.size;
    backend.accepted.clear();

    const startAt = String(Date.now() + START_LEAD_MS);
    const runs = await Promise.all(
      [0, 1].map((index) => pushbench(['run', join(dir, 'pipeline.yaml'), '--shard', `${index}/2`, '--start-at', startAt, '--out', join(dir, 'shards', `shard-${index}`)])),
    );
    for (const [index, run] of runs.entries()) expect(run.code, `shard ${index}: ${run.stderr}${run.stdout}`).toBe(0);
    const acceptedByShards = backend.accepted.size;
    const merge = await pushbench(['merge', join(dir, 'shards'), '--out', join(dir, 'merged')]);
    expect(merge.code, merge.stderr + merge.stdout).toBe(0);
    const merged = await readJson(join(dir, 'merged', 'result.json'));
    const shards = await Promise.all([0, 1].map((index) => readJson(join(dir, 'shards', `shard-${index}`, 'result.json'))));

    // The backend's own counts: every webhook of the plan accepted, once, in both runs.
    expect(acceptedBySingle).toBe(EVENTS);
    expect(acceptedByShards).toBe(EVENTS);
    expect(one.counters['pipeline.events']).toBe(acceptedBySingle);
    expect(one.counters['pipeline.expected']).toBe(acceptedBySingle * SUBSCRIBERS);
    expect(one.counters['pipeline.delivered']).toBe(acceptedBySingle * SUBSCRIBERS);
    expect(one.counters['pipeline.missing']).toBe(0);
    // Each shard sent its stripe (25 of the 50) and held 3 of the 6 subscribers, yet saw all 50 events.
    expect(shards.map((shard) => shard.counters['pipeline.ingest.ok'])).toEqual([EVENTS / 2, EVENTS / 2]);
    expect(shards.map((shard) => shard.pipeline?.shardEvents?.subscribers)).toEqual([SUBSCRIBERS / 2, SUBSCRIBERS / 2]);
    expect(shards.map((shard) => shard.pipeline?.shardEvents?.events)).toEqual([EVENTS, EVENTS]);
    expect(shards.map((shard) => shard.pipeline?.clocks)).toEqual(['assumed-synced', 'assumed-synced']);

    for (const name of ['pipeline.events', 'pipeline.expected', 'pipeline.delivered', 'pipeline.missing', 'pipeline.ingest.ok', 'pipeline.duplicates', 'pipeline.unmatched']) {
      expect(merged.counters[name], name).toBe(one.counters[name]);
    }
    expect(merged.counters['pipeline.events']).toBe(acceptedByShards);
    expect(merged.counters['pipeline.delivered']).toBe(acceptedByShards * SUBSCRIBERS);
    expect(merged.counters['pipeline.missing']).toBe(0);
    // Every delivered pair is one latency sample, timed on the shard that held its subscriber.
    expect(merged.metrics['pipeline.latency']!.count).toBe(merged.counters['pipeline.delivered']);
    expect(merged.metrics['pipeline.latency']!.count).toBe(shards.reduce((sum, shard) => sum + shard.metrics['pipeline.latency']!.count, 0));
    // pipeline.last: one sample per accepted event, the latest over both shards' subscribers.
    expect(merged.metrics['pipeline.last']!.count).toBe(acceptedByShards);
    expect(decodeHistogram(merged.metrics['pipeline.last']!.hdr).totalCount).toBe(acceptedByShards);
    expect(merged.metrics['pipeline.last']!.max).toBe(merged.metrics['pipeline.latency']!.max);
    expect(merged.pipeline).toEqual({ clocks: 'assumed-synced' });
    expect(merged.validity.ok, merged.validity.reasons.join('; ')).toBe(true);
    expect(merged.validity.warnings.filter((warning) => warning.startsWith('pipeline'))).toEqual([]);
    expect(merge.stdout).toContain(`  pipeline   delivered ${EVENTS * SUBSCRIBERS} of ${EVENTS * SUBSCRIBERS} (100.00%)`);
    expect(merge.stdout).toContain('clocks assumed synced');
  }, 120_000);

  it('refuses --shard 0/2 of a pipeline on the built-in backend with one line, exit 2', async () => {
    const run = await pushbench(['run', join(dir, 'builtin.yaml'), '--shard', '0/2', '--out', join(dir, 'builtin')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `pushbench: --shard: ${join(dir, 'builtin.yaml')}: pipeline target: builtin cannot be shared by shard processes (each would start its own backend): give your backend's URLs in ingest.target and subscribers.*.target`,
    ]);
  }, 30_000);
});
