import { nowUs } from '../metrics/clock.js';
import { PacerPoke, runPacer } from '../load/pacer.js';
import { parseEndpoint } from '../load/webhook/endpoint.js';
import type { DeliveryConfig } from '../scenario/schema.js';
import { startDeliveryChild, type DeliveryChild } from './child-handle.js';
import { joinLedger } from './ledger.js';
import { cpuMsSince, START_LEAD_US, startProgress, type TransportReport, type TransportRunOptions } from './transport-report.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { LiveWindow } from './live-window.js';
import type { WebhookSubscribersChildOptions } from './webhook-subscribers-process.js';
import type { WebhookSubscribersReport } from './webhook-subscribers.js';

/**
 * The webhook transport: the subscribers' endpoints run in a child process (their own core); this
 * process signs and POSTs every event to every endpoint, retrying until delivered, given up or cut
 * off. Sending CPU is this process's; receiving CPU is the child's.
 */
export async function runWebhookTransport(delivery: DeliveryConfig, options: TransportRunOptions): Promise<TransportReport> {
  const { stream, seed, outage, signal } = options;
  const faults = delivery.faults;
  const receivers: DeliveryChild<WebhookSubscribersReport> = await startDeliveryChild<WebhookSubscribersChildOptions, WebhookSubscribersReport>(
    'webhook-subscribers-process',
    'delivery.webhook.receivers',
    {
      stream: stream.spec,
      secret: delivery.webhook.secret,
      latencyUs: faults?.latencyUs ?? 0,
      jitterUs: faults?.jitterUs ?? 0,
      errors: faults?.errors ?? { '500': 0, '429': 0, '410': 0, reset: 0, hang: 0 },
      seed,
      outage,
    },
  );
  let stopped = false;
  try {
    const abort = new AbortController();
    const invalidReasons: string[] = [];
    const onAbort = (): void => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // A response or failure wakes the loop anyway: the pacer sends what fell due meanwhile rather than wait for its timer.
    const poke = new PacerPoke();
    const deliverer = new WebhookDeliverer({
      stream,
      endpoint: parseEndpoint(`http://127.0.0.1:${receivers.port}/`),
      signing: delivery.webhook.secret ? { scheme: 'standard-webhooks', secret: delivery.webhook.secret } : undefined,
      maxInFlight: delivery.webhook.maxInFlight,
      timeoutUs: delivery.webhook.timeoutUs,
      retry: delivery.webhook.retry,
      seed,
      onBacklogExceeded: (reason) => {
        invalidReasons.push(reason);
        abort.abort();
      },
      onIo: () => poke.poke(),
    });
    await deliverer.warm();
    const startUs = nowUs() + START_LEAD_US;
    deliverer.startAt(startUs);
    receivers.go(startUs);
    deliverer.live = new LiveWindow();
    const stopProgress = startProgress(
      'webhook',
      options,
      startUs,
      () => ({ sentTotal: deliverer.attemptsMade, inFlight: deliverer.pending, openConnections: deliverer.openSockets }),
      deliverer.live,
    );
    const cpuSince = process.cpuUsage();
    let pacer;
    let sender;
    try {
      pacer = await runPacer(stream.schedule, startUs, (seq) => deliverer.publish(seq), abort.signal, undefined, poke);
      await deliverer.settled(options.drainUs / 1000, abort.signal);
      sender = deliverer.cutOff();
    } finally {
      stopProgress();
      signal?.removeEventListener('abort', onAbort);
    }
    const sendCpuMs = cpuMsSince(cpuSince);
    const received = await receivers.stop();
    stopped = true;
    const { receipts, counters } = received.report;
    return {
      transport: 'webhook',
      ledger: joinLedger(sender.states, receipts),
      latencyHdr: receipts.latencyHdr,
      deliveredPerSecond: receipts.deliveredPerSecond,
      sendDelayHdr: sender.sendDelayHdr,
      sendCpuMs,
      receiveCpuMs: received.process.cpuMs,
      bytesOnWire: sender.bytesOnWire,
      peakSockets: sender.peakSockets,
      requests: sender.attempts,
      attempts: sender.attempts,
      dispatched: pacer.dispatched,
      generator: { role: 'generator', pid: process.pid, pace: pacer.pace },
      processes: [received.process],
      invalidReasons,
      counters: { ...counters, ...sender.errors, 'delivery.webhook.disabledEndpoints': sender.disabledEndpoints, 'delivery.webhook.receiver.unexpected': receipts.unexpected },
      causes: sender.causes,
    };
  } finally {
    if (!stopped) receivers.kill();
  }
}
