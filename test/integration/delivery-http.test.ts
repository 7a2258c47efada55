import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { liveChildren } from '../../src/process/child-process.js';
import { parseResult } from '../../src/result/read-result.js';
import { EventStream, streamSpecOf } from '../../src/delivery/stream.js';
import { RECONNECT_MIN_MS, RECONNECT_SPREAD_MS } from '../../src/delivery/ws-subscribers.js';
import { mulberry32 } from '../../src/template/render.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const SUBSCRIBERS = 4;
/** Slack for a busy machine: reconnects that land up to 0.5 s after their planned time. */
/** A seed whose polling phases keep 75 ms away from every event time (checked in the test). */
const SEED_FOR_POLLS = 32;
const RECONNECT_SLACK_US = (RECONNECT_MIN_MS + RECONNECT_SPREAD_MS + 500) * 1000;

describe('delivery over sse, polling and long-polling (real publisher child on 127.0.0.1)', () => {
  it('sse with the default history: the outage cuts every stream, Last-Event-ID resumes lose nothing', async () => {
    const scenario = scenarioFrom(`
name: delivery-sse
seed: 7
delivery:
  events: { rate: 100, duration: 3s, sizeBytes: 300 }
  subscribers: ${SUBSCRIBERS}
  transports: [sse]
  faults: { outage: { at: 1s, for: 1s } }
  drain: 5s
`);
    const result = await runScenario(scenario);
    const published = 300 * SUBSCRIBERS;
    const sse = result.delivery!.transports.sse!;
    expect(sse).toMatchObject({ published, delivered: published, lost: 0, inflight: 0, ackedNotReceived: 0, receivedNotSent: 0, balanced: true });
    const { counters } = result;
    // Every subscriber was cut once and came back at least once with the id of its last event.
    expect(counters['delivery.sse.resumed']).toBeGreaterThanOrEqual(SUBSCRIBERS);
    expect(counters['delivery.sse.unreplayable']).toBe(0);
    // Refused reconnects during the outage count as requests too, so the client sends more GETs than the server saw.
    expect(counters['delivery.sse.reconnects']).toBeGreaterThanOrEqual(counters['delivery.sse.resumed']!);
    expect(sse.requests).toBe(SUBSCRIBERS + counters['delivery.sse.reconnects']!);
    expect(counters['delivery.sse.publisher.requests']).toBe(SUBSCRIBERS + counters['delivery.sse.resumed']!);
    expect(sse.requestsPerDelivered).toBe(Math.round((sse.requests! / published) * 10_000) / 10_000);
    // What the server replayed was either missed (now delivered) or a duplicate of what had arrived before the cut.
    const stream = new EventStream(streamSpecOf(scenario.config.delivery!, 7));
    expect(counters['delivery.sse.replayed']).toBeGreaterThanOrEqual(stream.countBetween(1_000_000, 2_000_000) * SUBSCRIBERS);
    expect(counters['delivery.sse.replayed']).toBeLessThanOrEqual(stream.countBetween(1_000_000 - 200_000, 2_000_000 + RECONNECT_SLACK_US) * SUBSCRIBERS + sse.duplicates);
    expect(result.metrics['delivery.sse.latency']?.count).toBe(published);
    // The replayed events waited for the end of the outage.
    expect(result.metrics['delivery.sse.latency']!.max).toBeGreaterThan(900_000);
    expect(counters['ledger.sse.delivered']).toBe(published);
    expect(parseResult(JSON.stringify(result), 'result.json').delivery).toEqual(result.delivery);
    expect(liveChildren()).toBe(0);
  });

  it('sse with a small history: the losses are exactly the events that had left the history when each subscriber resumed', async () => {
    const scenario = scenarioFrom(`
name: delivery-sse-small-history
seed: 7
delivery:
  events: { rate: 100, duration: 3s, sizeBytes: 300 }
  subscribers: ${SUBSCRIBERS}
  transports: [sse]
  sse: { history: 20 }
  faults: { outage: { at: 1s, for: 1s } }
  drain: 5s
`);
    const result = await runScenario(scenario);
    const published = 300 * SUBSCRIBERS;
    const sse = result.delivery!.transports.sse!;
    const { counters } = result;
    const stream = new EventStream(streamSpecOf(scenario.config.delivery!, 7));
    const inWindow = stream.countBetween(1_000_000, 2_000_000);
    expect(inWindow).toBe(100);
    // The receiver's missing pairs equal the publisher's own count of what it could not replay.
    expect(sse.lost).toBe(counters['delivery.sse.unreplayable']);
    expect(sse.lost).toBeGreaterThanOrEqual((inWindow - 20) * SUBSCRIBERS);
    expect(sse.lost).toBeLessThanOrEqual((stream.countBetween(1_000_000 - 200_000, 2_000_000 + RECONNECT_SLACK_US) - 20) * SUBSCRIBERS);
    expect(sse).toMatchObject({ published, delivered: published - sse.lost, inflight: 0, reordered: 0, balanced: true });
    expect(liveChildren()).toBe(0);
  });

  it('polling on a known schedule: lossless, and the empty polls are exactly the ones the seeded phases predict', async () => {
    // 2 events a second (offsets 0, 0.5, ... 3.5 s); each subscriber polls every 250 ms from its seeded
    // phase, so about every other poll finds nothing new. The poll after the last event carries the end.
    const seed = SEED_FOR_POLLS;
    const scenario = scenarioFrom(`
name: delivery-polling
seed: ${seed}
delivery:
  events: { rate: 2, duration: 4s, sizeBytes: 256 }
  subscribers: ${SUBSCRIBERS}
  transports: [polling]
  polling: { interval: 250ms }
  drain: 3s
`);
    const random = mulberry32(seed ^ 0x9011);
    const phasesUs = Array.from({ length: SUBSCRIBERS }, () => Math.floor(random() * 250_000));
    // Precondition of an exact count on a busy box: every poll is at least 75 ms away from every event.
    for (const phase of phasesUs) expect(Math.min(phase, 250_000 - phase)).toBeGreaterThanOrEqual(75_000);
    const offsetsUs = Array.from({ length: 8 }, (_, seq) => seq * 500_000);
    let expectedEmpty = 0;
    let expectedPolls = 0;
    for (const phase of phasesUs) {
      for (let k = 0, previousUs = -1; ; k++) {
        const pollUs = phase + k * 250_000;
        expectedPolls++;
        if (!offsetsUs.some((offset) => offset > previousUs && offset <= pollUs)) expectedEmpty++;
        if (pollUs > offsetsUs.at(-1)!) break;
        previousUs = pollUs;
      }
    }
    expect(expectedEmpty).toBeGreaterThan(SUBSCRIBERS * 5);

    const result = await runScenario(scenario);
    const polling = result.delivery!.transports.polling!;
    const published = 8 * SUBSCRIBERS;
    expect(polling).toMatchObject({ published, delivered: published, lost: 0, inflight: 0, duplicates: 0, reordered: 0, balanced: true });
    expect(result.counters['delivery.polling.emptyPolls']).toBe(expectedEmpty);
    expect(result.counters['delivery.polling.publisher.emptyAnswers']).toBe(expectedEmpty);
    expect(result.counters['delivery.polling.failedPolls']).toBe(0);
    expect(polling.requests).toBe(expectedPolls);
    expect(result.counters['delivery.polling.publisher.requests']).toBe(expectedPolls);
    expect(polling.requestsPerDelivered).toBe(Math.round((expectedPolls / published) * 10_000) / 10_000);
    // Latency includes the wait for the next poll: up to an interval, never less than 0.
    const latency = result.metrics['delivery.polling.latency']!;
    expect(latency.count).toBe(published);
    expect(latency.max).toBeGreaterThan(75_000);
    expect(latency.max).toBeLessThan(250_000 + 100_000);
    expect(liveChildren()).toBe(0);
  });

  it('polling and long-polling through an outage: failed polls are retried, nothing is lost or duplicated', async () => {
    const scenario = scenarioFrom(`
name: delivery-polls-outage
seed: 3
delivery:
  events: { rate: 100, duration: 3s, sizeBytes: 300 }
  subscribers: ${SUBSCRIBERS}
  transports: [polling, long-polling]
  polling: { interval: 200ms }
  longPolling: { wait: 25s }
  faults: { outage: { at: 1s, for: 1s } }
  drain: 5s
`);
    const result = await runScenario(scenario);
    const published = 300 * SUBSCRIBERS;
    const exactlyOnce = { published, delivered: published, lost: 0, inflight: 0, duplicates: 0, reordered: 0, ackedNotReceived: 0, receivedNotSent: 0, balanced: true };
    const { counters } = result;
    const polling = result.delivery!.transports.polling!;
    expect(polling).toMatchObject(exactlyOnce);
    // 100 events a second and a poll every 200 ms: the only empty answers are last polls that carry just the end.
    expect(counters['delivery.polling.emptyPolls']).toBeLessThanOrEqual(SUBSCRIBERS);
    expect(counters['delivery.polling.emptyPolls']).toBe(counters['delivery.polling.publisher.emptyAnswers']);
    // About 5 polls a second per subscriber fail for the 1 s outage.
    expect(counters['delivery.polling.failedPolls']).toBeGreaterThanOrEqual(3 * SUBSCRIBERS);
    expect(counters['delivery.polling.failedPolls']).toBeLessThanOrEqual(6 * SUBSCRIBERS);
    // The events published during the outage waited for the first poll after it.
    expect(result.metrics['delivery.polling.latency']!.max).toBeGreaterThan(900_000);

    const longPolling = result.delivery!.transports['long-polling']!;
    expect(longPolling).toMatchObject(exactlyOnce);
    // A held GET is answered by the next event (25 s never pass), so the only empty answers are last ones
    // that carry just the end of the stream: at most one per subscriber (none for a subscriber whose
    // last GET still had events to fetch). The subscribers' count equals the publisher's own.
    expect(counters['delivery.longPolling.emptyPolls']).toBeLessThanOrEqual(SUBSCRIBERS);
    expect(counters['delivery.longPolling.emptyPolls']).toBe(counters['delivery.long-polling.publisher.emptyAnswers']);
    expect(counters['delivery.longPolling.failedPolls']).toBeGreaterThanOrEqual(SUBSCRIBERS);
    expect(longPolling.requests).toBe(counters['delivery.long-polling.requests']);
    expect(result.metrics['delivery.long-polling.latency']?.count).toBe(published);
    expect(liveChildren()).toBe(0);
  });

  it('Ctrl-C (abort) during long-polling: held GETs are dropped, the result comes back balanced, no child outlives it', async () => {
    const scenario = scenarioFrom(`
name: delivery-polls-abort
delivery:
  events: { rate: 50, duration: 20s }
  subscribers: 3
  transports: [long-polling, sse]
  drain: 10s
`);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 3_000);
    const result = await runScenario(scenario, { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(result.interrupted).toBe(true);
    expect(Object.keys(result.delivery!.transports)).toEqual(['long-polling']);
    const longPolling = result.delivery!.transports['long-polling']!;
    expect(longPolling.balanced).toBe(true);
    expect(longPolling.published).toBeGreaterThan(0);
    expect(longPolling.published).toBeLessThan(1000 * 3);
    expect(longPolling.delivered + longPolling.lost + longPolling.inflight).toBe(longPolling.published);
    expect(longPolling.lost).toBe(0);
    expect(liveChildren()).toBe(0);
  });
});
