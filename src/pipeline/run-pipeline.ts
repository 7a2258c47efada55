import { RunError } from '../errors.js';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import { runWebhookLoad, type WebhookLoadOutcome } from '../load/webhook/webhook-load.js';
import type { WebhookEventHooks } from '../load/webhook/webhook-sender.js';
import { shareOf, type Stripe } from '../load/stripe.js';
import { encodePipelineEvents } from '../result/pipeline-events.js';
import type { PipelineResult } from '../result/run-result.js';
import type { PipelineConfig } from '../scenario/pipeline-schema.js';
import { startPipelineBackend, type PipelineBackend } from '../targets/pipeline-backend.js';
import { correlationValueOfBody, expectEveryEvent } from './expected-events.js';
import { PipelineLedger } from './ledger.js';
import { WsSubscribers } from './ws-subscribers.js';
import { SseSubscribers } from './sse-subscribers.js';
import type { PipelineSubscribers } from './subscribers.js';

export interface PipelineRunOptions {
  config: PipelineConfig;
  seed: number;
  recorder: Recorder;
  stripe: Stripe;
  waitForStart(signal?: AbortSignal): Promise<number>;
  signal?: AbortSignal;
}

export interface PipelineRunOutcome {
  load: WebhookLoadOutcome;
  /** Where webhooks went and subscribers connected, for messages. */
  ingestUrl: string;
  pushUrl: string;
  /** Problems that void the run (the ledger identity broken). */
  reasons: string[];
  /** A shard's (N > 1) pipeline section: its per-event columns for merge. */
  pipeline?: PipelineResult;
}

/**
 * Webhook in, push out: (built-in backend up) -> every subscriber connected and through onOpen ->
 * the webhook load, each event registered in the ledger by its correlation value as it is written
 * -> drain -> subscribers closed -> ledger settled into `pipeline.*` counters and histograms.
 */
export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunOutcome> {
  const { config, recorder, signal } = options;
  const { stripe } = options;
  const sharded = stripe.count > 1;
  // A shard holds its share of the subscribers, connecting at its share of the rate (as websocket shards do).
  const share = (connections: number): number => shareOf(connections, stripe).count;
  const websocket = config.subscribers.websocket && {
    ...config.subscribers.websocket,
    connections: share(config.subscribers.websocket.connections),
    connectRatePerSec: (config.subscribers.websocket.connectRatePerSec * share(config.subscribers.websocket.connections)) / config.subscribers.websocket.connections,
  };
  const sse = config.subscribers.sse && {
    ...config.subscribers.sse,
    connections: share(config.subscribers.sse.connections),
    connectRatePerSec: (config.subscribers.sse.connectRatePerSec * share(config.subscribers.sse.connections)) / config.subscribers.sse.connections,
  };
  const subscriberCount = websocket?.connections ?? sse?.connections ?? 0;
  let backend: PipelineBackend | undefined;
  let subscribers: PipelineSubscribers | undefined;
  let restart: Promise<void> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  try {
    if (config.ingest.target === 'builtin') backend = await startPipelineBackend({ signing: config.ingest.signing });
    const ingestUrl = backend?.webhookUrl ?? String(config.ingest.target);
    const pushUrl = websocket ? (backend?.subscribeUrl ?? String(websocket.target)) : (backend?.eventsUrl ?? String(sse?.target));
    const ledger = new PipelineLedger(recorder, subscriberCount);
    if (sharded) expectEveryEvent(ledger, config, options.seed, stripe);
    const common = { url: pushUrl, correlatePath: config.correlate.push, ledger, recorder };
    subscribers = websocket ? new WsSubscribers({ ...common, config: websocket }) : new SseSubscribers({ ...common, config: sse! });
    try {
      await subscribers.connectAll(signal);
    } catch (error) {
      throw new RunError(`pipeline: ${(error as Error).message}`);
    }
    const events: WebhookEventHooks = {
      written: (seq, intendedUs, request) => ledger.written(seq, correlationValue(request, config.correlate.ingest), intendedUs),
      settled: (seq, _intendedUs, latencyUs, errorClass) => ledger.settled(seq, latencyUs, errorClass),
    };
    const restartFault = config.faults?.backendRestart;
    const load = await runWebhookLoad({
      config: config.ingest,
      targetUrl: ingestUrl,
      seed: options.seed,
      recorder,
      stripe,
      events,
      waitForStart: async (waitSignal) => {
        const startUs = await options.waitForStart(waitSignal);
        ledger.started(startUs);
        if (restartFault && backend) {
          const down = backend;
          restartTimer = setTimeout(() => {
            recorder.count('pipeline.faults.backendRestarts');
            restart = down.restart(restartFault.forUs / 1000, signal).then(() => recorder.count('pipeline.faults.backendBack'));
          }, Math.max(0, startUs + restartFault.atUs - nowUs()) / 1000);
        }
        return startUs;
      },
      ...(signal ? { signal } : {}),
    });
    clearTimeout(restartTimer);
    await restart;
    await sleepMs(config.drainUs / 1000, signal);
    subscribers.close();
    const columns = ledger.close();
    const reasons: string[] = [];
    if (ledger.unpredicted) {
      const { seq, written, predicted } = ledger.unpredicted;
      reasons.push(
        `pipeline: event ${seq} was sent with correlation value ${written === undefined ? '(none)' : `"${written}"`}, not "${predicted}" as every shard derived it from the seed: correlate.ingest must name a field the seed determines (like id), not one that holds the send time`,
      );
    }
    const expected = recorder.counter('pipeline.expected');
    const settled = recorder.counter('pipeline.delivered') + recorder.counter('pipeline.missing');
    if (expected !== settled) reasons.push(`pipeline ledger does not balance: expected ${expected} != delivered + missing ${settled}`);
    if (backend) recorder.addCounters(backend.counters());
    return { load, ingestUrl, pushUrl, reasons, ...(columns ? { pipeline: { clocks: 'assumed-synced' as const, shardEvents: encodePipelineEvents(columns) } } : {}) };
  } finally {
    clearTimeout(restartTimer);
    subscribers?.close();
    await restart?.catch(() => undefined);
    await backend?.close().catch(() => undefined);
  }
}

/** The correlation value in a written request's JSON body, as text (undefined: not JSON or no such field). */
export function correlationValue(request: string, path: readonly string[]): string | undefined {
  const start = request.indexOf('\r\n\r\n');
  if (start < 0) return undefined;
  return correlationValueOfBody(Buffer.from(request.slice(start + 4), 'latin1').toString('utf8'), path);
}
