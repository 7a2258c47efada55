import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { PipelineLedger } from '../../../src/pipeline/ledger.js';
import { mergePipelineShards } from '../../../src/result/merge-pipeline.js';
import { decodePipelineEvents, encodePipelineEvents, EVENT_ACCEPTED } from '../../../src/result/pipeline-events.js';
import type { RunResult } from '../../../src/result/run-result.js';

const START_US = 10_000;
const OFFSETS_US = [100, 1_000, 2_000, 3_000];

/** A shard's ledger with every event of the 4-event schedule registered; event seq is sent by shard seq mod 2. */
function shardLedger(index: number, subscribers: number): { ledger: PipelineLedger; recorder: Recorder } {
  const recorder = new Recorder();
  const ledger = new PipelineLedger(recorder, subscribers);
  ledger.expectSchedule(OFFSETS_US.length);
  OFFSETS_US.forEach((offsetUs, seq) => ledger.expect(seq, `e${seq}`, offsetUs, seq % 2 === index));
  for (let subscriber = 0; subscriber < subscribers; subscriber++) ledger.subscriberReady(subscriber, 0);
  return { ledger, recorder };
}

/** What merge reads of a shard's result: its pipeline section and counters. */
function shardResult(ledger: PipelineLedger, recorder: Recorder): { result: RunResult; latencyCount: number } {
  const columns = ledger.close()!;
  const { counters, metrics } = recorder.close();
  const result = { counters, metrics, pipeline: { clocks: 'assumed-synced', shardEvents: encodePipelineEvents(columns) } } as unknown as RunResult;
  return { result, latencyCount: metrics['pipeline.latency']!.count };
}

describe('a 2-shard pipeline ledger merged per event', () => {
  it('equals one process holding all 3 subscribers: an event one shard sent, pushed to both shards\' subscribers, timed on each', () => {
    // Shard 0 holds subscribers 0 and 1 of the one-process run, shard 1 holds subscriber 2.
    const zero = shardLedger(0, 2);
    const one = shardLedger(1, 1);
    zero.ledger.received(0, 'e0', 10_150); // before shard 0 saw its start (shard 1 was a little earlier): timed once it does
    zero.ledger.started(START_US);
    one.ledger.started(START_US);
    zero.ledger.written(0, 'e0', START_US + 100);
    zero.ledger.settled(0, 40, undefined);
    zero.ledger.written(2, 'e2', START_US + 2_000);
    zero.ledger.settled(2, undefined, 'refused');
    one.ledger.written(1, 'e1', START_US + 1_000);
    one.ledger.settled(1, 30, undefined);
    // Event 3 (shard 1's) is never sent; a push of it is unmatched, as in one process.
    zero.ledger.received(1, 'e0', 10_400);
    one.ledger.received(0, 'e0', 10_900); // e0: sent by shard 0, its last receipt on shard 1
    zero.ledger.received(0, 'e1', 11_500); // e1: sent by shard 1; shard 0's subscriber 1 never gets it
    one.ledger.received(0, 'e1', 11_200);
    one.ledger.received(0, 'e1', 11_300); // duplicate
    one.ledger.received(0, 'e2', 12_300); // e2 was refused by the backend (shard 0 knows; shard 1 cannot)
    zero.ledger.received(0, 'e3', 13_500);

    const single = new Recorder();
    const ledger = new PipelineLedger(single, 3);
    for (let subscriber = 0; subscriber < 3; subscriber++) ledger.subscriberReady(subscriber, 0);
    ledger.written(0, 'e0', START_US + 100);
    ledger.written(1, 'e1', START_US + 1_000);
    ledger.written(2, 'e2', START_US + 2_000);
    ledger.settled(0, 40, undefined);
    ledger.settled(1, 30, undefined);
    ledger.settled(2, undefined, 'refused');
    for (const [subscriber, value, atUs] of [
      [0, 'e0', 10_150],
      [1, 'e0', 10_400],
      [2, 'e0', 10_900],
      [0, 'e1', 11_500],
      [2, 'e1', 11_200],
      [2, 'e1', 11_300],
      [2, 'e2', 12_300],
      [0, 'e3', 13_500],
    ] as const) {
      ledger.received(subscriber, value, atUs);
    }
    expect(ledger.close()).toBeUndefined();
    const oneProcess = single.close();

    const shards = [shardResult(zero.ledger, zero.recorder), shardResult(one.ledger, one.recorder)];
    const merged = mergePipelineShards(
      shards.map(({ result }, index) => ({ file: `shard-${index}.json`, index, result })),
      2,
    )!;
    expect(oneProcess.counters['pipeline.events']).toBe(2);
    expect(oneProcess.counters['pipeline.expected']).toBe(6);
    expect(oneProcess.counters['pipeline.delivered']).toBe(5);
    for (const name of ['pipeline.events', 'pipeline.expected', 'pipeline.delivered', 'pipeline.missing', 'pipeline.refusedDelivered', 'pipeline.unexpected', 'pipeline.unmatched']) {
      expect(merged.counters[name], name).toBe(oneProcess.counters[name]);
    }
    expect(merged.counters['pipeline.missing']).toBe(1);
    expect(merged.counters['pipeline.unmatched']).toBe(1);
    expect(merged.counters['pipeline.refusedDelivered']).toBe(1);
    // pipeline.last: one sample, e0's latest receipt over both shards (shard 1's, 900 µs after its intended 10,100).
    expect(merged.last.count).toBe(1);
    expect(merged.last.max).toBe(800);
    expect(oneProcess.metrics['pipeline.last']!.max).toBe(800);
    expect(decodeHistogram(merged.last.hdr).totalCount).toBe(1);
    // Shard 1 could not know e2 was refused, nor shard 0 that e3 was never sent: their receipts are the 2 latency
    // samples beyond one process's, and merge says so.
    expect(oneProcess.metrics['pipeline.latency']!.count).toBe(5);
    expect(shards[0]!.latencyCount + shards[1]!.latencyCount).toBe(7);
    expect(merged.warnings).toEqual([
      "pipeline.latency holds 2 receipts of events whose webhook the sending shard saw fail or never sent (a shard cannot know another's responses); the pipeline counters and pipeline.last exclude them",
    ]);
    expect(merged.reasons).toEqual([]);
    expect(merged.pipeline).toEqual({ clocks: 'assumed-synced' });
  });
});

describe('merging pipeline shards refuses', () => {
  it('a shard without pipeline.shardEvents, and shards of another schedule length, each naming the file', () => {
    const zero = shardLedger(0, 1);
    zero.ledger.started(START_US);
    const { result } = shardResult(zero.ledger, zero.recorder);
    const bare = { counters: {}, metrics: {} } as unknown as RunResult;
    expect(() => mergePipelineShards([{ file: 'a.json', index: 0, result }, { file: 'b.json', index: 1, result: bare }], 2)).toThrow(
      "b.json: no pipeline.shardEvents, unlike the other shards' results",
    );
    const longer = new Recorder();
    const other = new PipelineLedger(longer, 1);
    other.expectSchedule(5);
    other.started(START_US);
    const five = shardResult(other, longer).result;
    expect(() => mergePipelineShards([{ file: 'a.json', index: 0, result }, { file: 'b.json', index: 1, result: five }], 2)).toThrow('b.json: pipeline.shardEvents has 5 events, not 4 like a.json');
  });
});

describe('a shard whose written correlation value is not the one derived from the seed', () => {
  it('remembers the first such event (the run names it and is invalid)', () => {
    const { ledger } = shardLedger(0, 1);
    ledger.started(START_US);
    ledger.written(0, 'e0', START_US + 100);
    expect(ledger.unpredicted).toBeUndefined();
    ledger.written(2, '1733100000', START_US + 2_000);
    ledger.written(4, undefined, START_US + 4_000);
    expect(ledger.unpredicted).toEqual({ seq: 2, written: '1733100000', predicted: 'e2' });
  });
});

describe('pipeline.shardEvents columns', () => {
  it('round-trip exactly and stay bounded: 10,000 events of 50 subscribers in a few tens of kB', () => {
    const events = 10_000;
    const columns = {
      subscribers: 50,
      status: new Uint8Array(events).map((_unused, seq) => (seq % 2 === 0 ? EVENT_ACCEPTED : 0)),
      held: new Uint16Array(events).fill(50),
      delivered: new Uint16Array(events).map((_unused, seq) => (seq % 97 === 0 ? 49 : 50)),
      received: new Uint16Array(events).map((_unused, seq) => (seq % 97 === 0 ? 49 : 50)),
      // Latencies of 1-30 ms, scattered as real ones are.
      lastUs: new Uint32Array(events).map((_unused, seq) => 1_000 + ((seq * 2_654_435_761) % 29_000)),
    };
    const encoded = encodePipelineEvents(columns);
    const decoded = decodePipelineEvents(encoded, 'shard-0.json');
    expect(decoded).toEqual(columns);
    const bytes = JSON.stringify(encoded).length;
    expect(bytes).toBeLessThan(60_000);
    expect(() => decodePipelineEvents({ ...encoded, events: events + 1 }, 'shard-0.json')).toThrow(
      `shard-0.json: pipeline.shardEvents.status holds ${events} values, not the ${events + 1} events it claims`,
    );
    expect(() => decodePipelineEvents({ ...encoded, held: 'not deflate' }, 'shard-0.json')).toThrow('shard-0.json: pipeline.shardEvents.held does not decode (expected deflate-raw-base64)');
    console.log(`pipeline.shardEvents: ${bytes} bytes of JSON for ${events} events`);
  });
});
