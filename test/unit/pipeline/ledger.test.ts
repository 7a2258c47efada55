import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../src/metrics/recorder.js';
import { PipelineLedger } from '../../../src/pipeline/ledger.js';
import { correlationValue } from '../../../src/pipeline/run-pipeline.js';

describe('PipelineLedger', () => {
  it('expects each accepted event at the subscribers held at its intended time; expected = delivered + missing', () => {
    const recorder = new Recorder();
    const ledger = new PipelineLedger(recorder, 3);
    ledger.subscriberReady(0, 0);
    ledger.subscriberReady(1, 0);
    ledger.subscriberReady(2, 500); // joins after event a's intended time
    ledger.written(0, 'a', 100);
    ledger.written(1, 'b', 1_000);
    ledger.written(2, 'c', 2_000);
    ledger.subscriberDropped(1, 1_500); // held for b, not for c
    ledger.received(0, 'a', 1_100);
    ledger.received(1, 'a', 1_300);
    ledger.received(1, 'a', 1_400); // duplicate
    ledger.received(2, 'a', 1_200); // not held at a's intended time: unexpected
    ledger.received(0, 'b', 2_000);
    ledger.received(2, 'b', 2_900); // subscriber 1 never got b: missing
    ledger.received(0, 'c', 2_500);
    ledger.received(2, 'zzz', 2_600); // no such event
    ledger.settled(0, 50, undefined);
    ledger.settled(1, 60, undefined);
    ledger.settled(2, undefined, 'refused'); // pushed anyway, but not accepted
    ledger.close();
    const { counters, metrics, timeline } = recorder.close();
    // Settled at the end, the ledger goes to the totals only: no spike in the timeline's last second.
    expect(timeline.some((point) => point.counts['pipeline.delivered'] !== undefined || point.p99Us['pipeline.latency'] !== undefined)).toBe(false);
    expect(timeline.reduce((sum, point) => sum + (point.counts['pipeline.received'] ?? 0), 0)).toBe(6);
    expect(counters['pipeline.events']).toBe(2);
    expect(counters['pipeline.expected']).toBe(2 + 3);
    expect(counters['pipeline.delivered']).toBe(2 + 2);
    expect(counters['pipeline.missing']).toBe(1);
    expect(counters['pipeline.duplicates']).toBe(1);
    expect(counters['pipeline.unexpected']).toBe(1);
    expect(counters['pipeline.unmatched']).toBe(1);
    expect(counters['pipeline.refusedDelivered']).toBe(1);
    expect(counters['pipeline.ingest.ok']).toBe(2);
    expect(counters['pipeline.ingest.errors.refused']).toBe(1);
    expect(metrics['pipeline.latency']?.count).toBe(4);
    expect(metrics['pipeline.latency']?.min).toBe(1_000);
    expect(metrics['pipeline.latency']?.max).toBe(1_900); // below 2,048 µs HDR holds values exactly
    // One `last` sample: a (last receipt 1,200 µs after its intended time); b had a missing recipient.
    expect(metrics['pipeline.last']?.count).toBe(1);
    expect(metrics['pipeline.last']?.max).toBe(1_200);
    expect(metrics['pipeline.ingest']?.count).toBe(2);
  });

  it('an event written but never settled counts as pipeline.ingest.errors.unfinished and expects nobody', () => {
    const recorder = new Recorder();
    const ledger = new PipelineLedger(recorder, 1);
    ledger.subscriberReady(0, 0);
    ledger.written(0, 'a', 10);
    ledger.close();
    const { counters } = recorder.close();
    expect(counters['pipeline.ingest.errors.unfinished']).toBe(1);
    expect(counters['pipeline.events']).toBe(0);
    expect(counters['pipeline.expected']).toBe(0);
  });
});

describe('correlationValue', () => {
  it('reads a dotted field of the request body (numbers as text); undefined without one', () => {
    const request = 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 40\r\n\r\n{"data":{"object":{"id":"pi_1"}},"n":7}';
    expect(correlationValue(request, ['data', 'object', 'id'])).toBe('pi_1');
    expect(correlationValue(request, ['n'])).toBe('7');
    expect(correlationValue(request, ['id'])).toBeUndefined();
    expect(correlationValue('POST / HTTP/1.1\r\n\r\nnot json', ['id'])).toBeUndefined();
  });
});
