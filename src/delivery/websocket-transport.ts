import { nowUs } from '../metrics/clock.js';
import { startDeliveryChild, type DeliveryChild } from './child-handle.js';
import { joinLedger } from './ledger.js';
import { cpuMsSince, START_LEAD_US, startProgress, type TransportReport, type TransportRunOptions } from './transport-report.js';
import { untilAborted } from './until-aborted.js';
import type { WsPublisherOptions, WsPublisherReport } from './ws-publisher.js';
import { WsSubscribers } from './ws-subscribers.js';
import { LiveWindow } from './live-window.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** The publisher reports the end of the stream this long after its scheduled end at the latest. */
const STREAM_END_SLACK_MS = 10_000;

/**
 * The websocket and websocket-ack transports: the publisher runs in a child process (its own core)
 * and pushes the stream; this process holds the subscribers. Sending CPU is the child's; receiving
 * CPU is this process's.
 */
export async function runWebsocketTransport(ack: boolean, options: TransportRunOptions): Promise<TransportReport> {
  const { stream, seed, outage, signal } = options;
  const transport = ack ? 'websocket-ack' : 'websocket';
  const publisher: DeliveryChild<WsPublisherReport> = await startDeliveryChild<WsPublisherOptions, WsPublisherReport>(
    'ws-publisher-process',
    `delivery.${transport}.publisher`,
    { stream: stream.spec, ack, outage },
  );
  let stopped = false;
  let closed = false;
  const subscribers = new WsSubscribers({ url: `ws://127.0.0.1:${publisher.port}`, stream, ack, seed });
  try {
    await subscribers.connectAll(CONNECT_TIMEOUT_MS);
    const startUs = nowUs() + START_LEAD_US;
    subscribers.book.startAt(startUs);
    subscribers.book.live = new LiveWindow();
    const stopProgress = startProgress(
      transport,
      options,
      startUs,
      () => ({ sentTotal: subscribers.messagesReceived, inFlight: 0, openConnections: subscribers.openSockets }),
      subscribers.book.live,
    );
    const cpuSince = process.cpuUsage();
    try {
      const streamed = publisher.waitFor('streamed', stream.spec.durationUs / 1000 + STREAM_END_SLACK_MS);
      publisher.go(startUs);
      await untilAborted(streamed, signal);
      await subscribers.allEnded(options.drainUs / 1000, signal);
    } finally {
      stopProgress();
    }
    subscribers.stopReconnecting();
    const sent = await publisher.stop();
    stopped = true;
    const received = subscribers.close();
    closed = true;
    const receiveCpuMs = cpuMsSince(cpuSince);
    return {
      transport,
      ledger: joinLedger(sent.report.states, received.receipts),
      latencyHdr: received.receipts.latencyHdr,
      deliveredPerSecond: received.receipts.deliveredPerSecond,
      sendDelayHdr: sent.report.sendDelayHdr,
      sendCpuMs: sent.process.cpuMs,
      receiveCpuMs,
      bytesOnWire: received.bytesOnWire,
      peakSockets: received.peakSockets,
      requests: stream.subscribers + received.reconnects,
      dispatched: sent.report.dispatched,
      generator: { role: sent.process.role, pid: sent.process.pid, health: sent.health, ...(sent.report.pace ? { pace: sent.report.pace } : {}) },
      processes: [sent.process],
      invalidReasons: [],
      counters: {
        [`delivery.${transport}.reconnects`]: received.reconnects,
        [`delivery.${transport}.replayed`]: sent.report.replayed,
        [`delivery.${transport}.receiver.unexpected`]: received.receipts.unexpected,
      },
    };
  } finally {
    if (!closed) subscribers.close();
    if (!stopped) publisher.kill();
  }
}
