import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readEventStamp } from '../../src/load/webhook/event-factory.js';
import { nowUs } from '../../src/metrics/clock.js';
import { END_OF_STREAM, WsPublisher } from '../../src/delivery/ws-publisher.js';

const RATE_PER_SEC = 2_000;
const DURATION_US = 1_000_000;
const EVENTS = RATE_PER_SEC * (DURATION_US / 1e6);

/** Connects subscriber `index`, acks every event it reads, and collects the seqs in order until the end frame. */
function subscribe(port: number, index: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const seqs: number[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/sub/${index}`);
    const timer = setTimeout(() => reject(new Error(`subscriber ${index}: no end frame within 10 s (${seqs.length} events)`)), 10_000);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === END_OF_STREAM) {
        clearTimeout(timer);
        ws.close();
        resolve(seqs);
        return;
      }
      const stamp = readEventStamp(text);
      if (!stamp) return reject(new Error(`subscriber ${index}: not an event: ${text.slice(0, 80)}`));
      seqs.push(stamp.seq);
      ws.send(String(stamp.seq));
    });
    ws.on('error', reject);
  });
}

describe('websocket-ack replay', () => {
  let publisher: WsPublisher | undefined;
  afterEach(() => {
    publisher?.stop();
    publisher = undefined;
  });

  it('a subscriber that joins half-way is replayed the first half in order (over several turns) before any live event, then the end', async () => {
    publisher = new WsPublisher({ stream: { seed: 7, ratePerSec: RATE_PER_SEC, durationUs: DURATION_US, sizeBytes: 256, subscribers: 2 }, ack: true, outage: undefined });
    const port = await publisher.listen();
    const early = subscribe(port, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const startUs = nowUs() + 50_000;
    const streamed = publisher.go(startUs);
    // Joins after about half the stream: some 1,000 events to replay (over 256 a turn) while live ones keep coming.
    await new Promise((resolve) => setTimeout(resolve, 550));
    const late = subscribe(port, 1);
    const [earlySeqs, lateSeqs] = await Promise.all([early, late]);
    await streamed;
    const report = publisher.stop();
    publisher = undefined;
    const inOrder = Array.from({ length: EVENTS }, (_, seq) => seq);
    expect(earlySeqs).toEqual(inOrder);
    expect(lateSeqs).toEqual(inOrder);
    expect(report.replayed).toBeGreaterThan(256 * 2);
    expect(report.replayed).toBeLessThan(EVENTS);
    expect(report.dispatched).toBe(EVENTS);
  });
});
