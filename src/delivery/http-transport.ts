import { nowUs } from '../metrics/clock.js';
import type { DeliveryConfig } from '../scenario/schema.js';
import { startDeliveryChild, type DeliveryChild } from './child-handle.js';
import type { HttpPublisherMode, HttpPublisherOptions, HttpPublisherReport } from './http-publisher.js';
import { joinLedger } from './ledger.js';
import { PollSubscribers } from './poll-subscribers.js';
import { SseSubscribers } from './sse-subscribers.js';
import { cpuMsSince, START_LEAD_US, startProgress, type TransportReport, type TransportRunOptions } from './transport-report.js';
import { untilAborted } from './until-aborted.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** The publisher reports the end of the stream this long after its scheduled end at the latest. */
const STREAM_END_SLACK_MS = 10_000;

/**
 * The sse, polling and long-polling transports: the publisher (http-publisher.ts) runs in a child
 * process (its own core) and this process holds the subscribers, as for the WebSocket transports.
 * Sending CPU is the child's; receiving CPU is this process's. Requests are the subscribers' GETs
 * (SSE streams opened, polls sent), failed ones included.
 */
export async function runHttpTransport(mode: HttpPublisherMode, delivery: DeliveryConfig, options: TransportRunOptions): Promise<TransportReport> {
  const { stream, seed, outage, signal } = options;
  const publisher: DeliveryChild<HttpPublisherReport> = await startDeliveryChild<HttpPublisherOptions, HttpPublisherReport>(
    'http-publisher-process',
    `delivery.${mode}.publisher`,
    { mode, stream: stream.spec, outage, historyEvents: delivery.sse.history, holdUs: delivery.longPolling.waitUs },
  );
  const url = `http://127.0.0.1:${publisher.port}`;
  const sse = mode === 'sse' ? new SseSubscribers({ url, stream, seed }) : undefined;
  const polls = mode === 'sse' ? undefined : new PollSubscribers({ url, stream, seed, intervalUs: mode === 'polling' ? delivery.polling.intervalUs : 0 });
  const subscribers = (sse ?? polls)!;
  let stopped = false;
  let closed = false;
  try {
    if (sse) await sse.connectAll(CONNECT_TIMEOUT_MS);
    const startUs = nowUs() + START_LEAD_US;
    if (sse) sse.book.startAt(startUs);
    else polls!.startAt(startUs);
    const stopProgress = startProgress(mode, options, startUs, () => ({ sentTotal: subscribers.messagesReceived, inFlight: 0, openConnections: subscribers.openSockets }));
    const cpuSince = process.cpuUsage();
    try {
      const streamed = publisher.waitFor('streamed', stream.spec.durationUs / 1000 + STREAM_END_SLACK_MS);
      publisher.go(startUs);
      await untilAborted(streamed, signal);
      await subscribers.allEnded(options.drainUs / 1000, signal);
    } finally {
      stopProgress();
    }
    const sent = await publisher.stop();
    stopped = true;
    const received = subscribers.close();
    closed = true;
    const receiveCpuMs = cpuMsSince(cpuSince);
    const counters: Record<string, number> =
      'reconnects' in received
        ? {
            'delivery.sse.reconnects': received.reconnects,
            'delivery.sse.resumed': sent.report.resumed,
            'delivery.sse.replayed': sent.report.replayed,
            'delivery.sse.unreplayable': sent.report.unreplayable,
          }
        : {
            [`delivery.${counterArea(mode)}.emptyPolls`]: received.emptyPolls,
            [`delivery.${counterArea(mode)}.failedPolls`]: received.failedPolls,
            [`delivery.${mode}.publisher.emptyAnswers`]: sent.report.emptyAnswers,
          };
    return {
      transport: mode,
      ledger: joinLedger(sent.report.states, received.receipts),
      latencyHdr: received.receipts.latencyHdr,
      deliveredPerSecond: received.receipts.deliveredPerSecond,
      sendDelayHdr: sent.report.sendDelayHdr,
      sendCpuMs: sent.process.cpuMs,
      receiveCpuMs,
      bytesOnWire: received.bytesOnWire,
      peakSockets: received.peakSockets,
      requests: received.requests,
      dispatched: sent.report.dispatched,
      generator: { role: sent.process.role, pid: sent.process.pid, health: sent.health, ...(sent.report.pace ? { pace: sent.report.pace } : {}) },
      processes: [sent.process],
      invalidReasons: [],
      counters: {
        ...counters,
        [`delivery.${mode}.publisher.requests`]: sent.report.requests,
        [`delivery.${mode}.receiver.unexpected`]: received.receipts.unexpected,
      },
    };
  } finally {
    if (!closed) subscribers.close();
    if (!stopped) publisher.kill();
  }
}

/** Counter areas follow the scenario's field names: `delivery.polling.*`, `delivery.longPolling.*`. */
function counterArea(mode: HttpPublisherMode): string {
  return mode === 'long-polling' ? 'longPolling' : mode;
}
