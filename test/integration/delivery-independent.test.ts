import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom, TEST_SECRET } from '../helpers/scenarios.js';

/**
 * Counts the HTTP responses that arrive on every TCP client socket this process opens, by status,
 * read off the wire by its own small parser: node's `net.client.socket` channel hands over each
 * socket, so neither pushbench's sender nor its receiver does any of this counting.
 */
class WireResponses {
  readonly byStatus = new Map<number, number>();
  /** Sockets whose data was not HTTP/1.1 responses (counting stops there). */
  notHttp = 0;
  private readonly onSocket = (message: unknown): void => {
    const { socket } = message as { socket: Socket };
    let buffered = '';
    let bodyLeft = 0;
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('latin1');
      for (;;) {
        if (bodyLeft > 0) {
          const skipped = Math.min(bodyLeft, buffered.length);
          buffered = buffered.slice(skipped);
          bodyLeft -= skipped;
          if (bodyLeft > 0) return;
        }
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
        if (status === undefined) {
          this.notHttp++;
          socket.off('data', onData);
          return;
        }
        this.byStatus.set(Number(status), (this.byStatus.get(Number(status)) ?? 0) + 1);
        bodyLeft = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      }
    };
    socket.on('data', onData);
  };

  start(): void {
    subscribe('net.client.socket', this.onSocket);
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket);
  }

  get total(): number {
    return [...this.byStatus.values()].reduce((sum, count) => sum + count, 0);
  }
}

describe('delivery counts, checked against a counter that is not pushbench', () => {
  it('webhook transport with 500s: the responses on the wire equal the attempts the sender counted, the 200s the pairs delivered, the 500s the receiver\'s', async () => {
    const wire = new WireResponses();
    wire.start();
    let result;
    try {
      result = await runScenario(
        scenarioFrom(`
name: delivery-independent
delivery:
  events: { rate: 20, duration: 1s, sizeBytes: 256 }
  subscribers: 4
  transports: [webhook]
  webhook: { secret: ${TEST_SECRET}, retry: { maxAttempts: 10, compress: 10000 } }
  faults: { errors: { "500": 0.2 } }
  drain: 3s
`),
      );
    } finally {
      wire.stop();
    }
    expect(result.validity.reasons).toEqual([]);
    const webhook = result.delivery!.transports.webhook!;
    expect(webhook).toMatchObject({ published: 80, delivered: 80, lost: 0, inflight: 0, duplicates: 0, balanced: true });
    const { counters } = result;
    const failed = counters['delivery.webhook.receiver.500']!;
    expect(failed).toBeGreaterThan(0); // the seeded 20% draw did fail some attempts, so retries are in the counts
    // Every attempt got exactly one response: 200 for each delivered pair, 500 for each failure.
    expect(wire.byStatus.get(200)).toBe(80);
    expect(wire.byStatus.get(500)).toBe(failed);
    expect([...wire.byStatus.keys()].sort()).toEqual([200, 500]);
    expect(wire.notHttp).toBe(0);
    expect(wire.total).toBe(webhook.attempts);
    expect(counters['delivery.webhook.attempts']).toBe(wire.total);
    expect(counters['delivery.webhook.receiver.requests']).toBe(wire.total);
    expect(counters['delivery.webhook.receiver.ok']).toBe(wire.byStatus.get(200));
    expect(counters['ledger.webhook.delivered']).toBe(wire.byStatus.get(200));
    expect(result.metrics['delivery.webhook.latency']?.count).toBe(wire.byStatus.get(200));
    expect(liveChildren()).toBe(0);
  });
});
