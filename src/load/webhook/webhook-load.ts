import { tlsConnectOptions } from '../../scenario/tls-schema.js';
import { nowUs, sleepMs } from '../../metrics/clock.js';
import { Recorder } from '../../metrics/recorder.js';
import type { ClosedLoadConfig, OpenLoadConfig, WebhookConfig } from '../../scenario/schema.js';
import type { PaceFigures } from '../pace-figures.js';
import { PacerPoke, runPacer } from '../pacer.js';
import { buildSchedule, constantSchedule } from '../schedule.js';
import { globalIndex, shareOf, stripeSchedule, WHOLE_PLAN, type Stripe } from '../stripe.js';
import { parseEndpoint } from './endpoint.js';
import { BodySource } from './body-source.js';
import { RequestBuilder } from './request-builder.js';
import { SenderSet } from './sender-set.js';
import { WebhookSender, type WebhookEventHooks } from './webhook-sender.js';

export interface WebhookLoadOptions {
  config: WebhookConfig;
  /** The URL actually used (the built-in receiver's when `target: builtin`); unused with `webhook.targets`. */
  targetUrl: string;
  seed: number;
  recorder: Recorder;
  signal?: AbortSignal;
  /** Called after the warm-up, before measuring starts (the built-in receiver forgets the warm-up here). */
  onWarmedUp?: () => Promise<void>;
  /** This shard's part of the plan (`--shard I/N`); the whole plan by default. */
  stripe?: Stripe;
  /** Waits until the measured schedule may start (a common `--start-at`) and returns its start (monotonic µs). */
  waitForStart?: (signal?: AbortSignal) => Promise<number>;
  /** Per-event observer of the measured events (the pipeline ledger); warm-ups are not shown to it. */
  events?: WebhookEventHooks;
}

/** What the generator knows about its own pace, for the validity section. */
export interface WebhookLoadOutcome {
  /** Time from the first scheduled send to the last (µs). */
  activeUs: number;
  dispatched: number;
  /** Open model only: how the pacer kept its schedule. */
  pace?: PaceFigures;
  /** Open model only: the schedule's rate and the rate actually dispatched. */
  askedRatePerSec?: number;
  achievedRatePerSec?: number;
}

/** After an abort (Ctrl-C), in-flight requests get this long before they are cut off. */
const ABORT_DRAIN_MS = 2_000;
/** Connections opened before an open-model schedule starts, so its first second does not pay for connects. */
const WARM_CONNECTIONS = 16;
const WARM_UP_MAX_MS = 3_000;
/** Warm-up events get ids from here on, so no receiver mistakes a measured event for a warm-up duplicate. */
const WARM_UP_FIRST_SEQ = 900_000_000;

/** Drives webhook load as the scenario says (open or closed model) until done or aborted, then drains. */
export async function runWebhookLoad(options: WebhookLoadOptions): Promise<WebhookLoadOutcome> {
  const { config } = options;
  return config.load.model === 'open' ? runOpen(options, config.load) : runClosed(options, config.load);
}

/**
 * The senders of a run, one per target, each with its own pool; they record into a throwaway
 * recorder while a warm-up runs, into the run's recorder otherwise.
 */
function createSender(options: WebhookLoadOptions, maxConnections: number, onSettled?: () => void): SenderSet {
  const { config, seed } = options;
  const recorder = hasWarmUp(options) ? new Recorder() : options.recorder;
  const bodies = new BodySource(config.payload, seed);
  const targets = config.targets
    ? config.targets.map((target) => ({ name: target.name, url: target.url.href, weight: target.weight, headers: [...config.headers, ...target.headers], signing: target.signing }))
    : [{ name: undefined, url: options.targetUrl, weight: 1, headers: config.headers, signing: config.signing }];
  const senders = targets.map((target) => {
    const endpoint = parseEndpoint(target.url, tlsConnectOptions(config.tls));
    return new WebhookSender({
      endpoint,
      maxConnections,
      timeoutUs: config.timeoutUs,
      requests: new RequestBuilder({ method: config.method, endpoint, headers: target.headers, signing: target.signing, bodies, seed }),
      expectStatus: config.expectStatus,
      name: target.name,
      recorder,
      ...(onSettled ? { onSettled } : {}),
      events: hasWarmUp(options) ? undefined : options.events,
    });
  });
  return new SenderSet(senders, targets.map((target) => target.weight), seed);
}

async function drain(sender: SenderSet, options: WebhookLoadOptions): Promise<void> {
  const timeoutMs = options.config.timeoutUs / 1000;
  await sender.drain(options.signal?.aborted ? ABORT_DRAIN_MS : timeoutMs + 1_000);
}

/**
 * Runs `warmup` worth of load into a throwaway recorder, waits for it to settle, lets the phase
 * reset the receiver, then points the sender at the real recorder. No-op without a warm-up.
 */
async function warmUp(sender: SenderSet, options: WebhookLoadOptions, drive: (durationUs: number) => Promise<void>): Promise<void> {
  if (!hasWarmUp(options)) return;
  if (!options.signal?.aborted) {
    await drive(options.config.load.warmupUs);
    await sender.whenIdle(options.config.timeoutUs / 1000);
    await options.onWarmedUp?.();
  }
  options.recorder.restartIfEmpty();
  sender.useRecorder(options.recorder).close();
}

function hasWarmUp(options: WebhookLoadOptions): boolean {
  return options.config.load.warmupUs > 0;
}

/** The measured schedule's start: the common start when there is one, else 1 ms from now. */
function scheduleStart(options: WebhookLoadOptions): Promise<number> {
  return options.waitForStart ? options.waitForStart(options.signal) : Promise.resolve(nowUs() + 1_000);
}

async function runOpen(options: WebhookLoadOptions, load: OpenLoadConfig): Promise<WebhookLoadOutcome> {
  const stripe = options.stripe ?? WHOLE_PLAN;
  // Each shard's pacer runs the global schedule and fires only its stripe; seqs are global indexes, so event ids stay unique.
  const schedule = stripeSchedule(buildSchedule(load), stripe);
  // A response read wakes the loop anyway: send what fell due meanwhile rather than wait for the timer.
  const poke = new PacerPoke();
  const sender = createSender(options, Math.max(1, shareOf(load.connections, stripe).count), () => poke.poke());
  await sender.warmUp(WARM_CONNECTIONS, WARM_UP_MAX_MS);
  await warmUp(sender, options, async (durationUs) => {
    const warmSchedule = stripeSchedule(constantSchedule(load.startRatePerSec, durationUs), stripe);
    await runPacer(warmSchedule, nowUs() + 1_000, (index, intendedUs) => sender.submit(WARM_UP_FIRST_SEQ + globalIndex(index, stripe), intendedUs), options.signal, undefined, poke);
  });
  const startUs = await scheduleStart(options);
  // `webhook.scheduled` per second is the asked rate the report sets against sent and ok.
  const scheduled = options.recorder.counterHandle('webhook.scheduled');
  const dispatch = (index: number, intendedUs: number): void => {
    scheduled.add();
    sender.submit(globalIndex(index, stripe), intendedUs);
  };
  const pace = await runPacer(schedule, startUs, dispatch, options.signal, options.recorder.metric('generator.sendLag'), poke);
  // A pacer that fell behind dispatched its last request after the schedule's end: that stretches the
  // window and lowers the achieved rate, as it should.
  const activeUs = options.signal?.aborted ? nowUs() - startUs : Math.max(schedule.durationUs, pace.lastDispatchUs - startUs);
  await drain(sender, options);
  const seconds = Math.max(activeUs, 1) / 1e6;
  const askedCount = options.signal?.aborted ? Math.min(schedule.expectedCount, pace.dispatched) : schedule.expectedCount;
  return {
    activeUs,
    dispatched: pace.dispatched,
    pace: pace.pace,
    askedRatePerSec: askedCount / seconds,
    achievedRatePerSec: pace.dispatched / seconds,
  };
}

/**
 * The closed model: each of this shard's connections (its share of `load.connections`) sends the
 * next request as soon as the previous one is answered. Request k of this shard carries the
 * global seq index + k x count, so ids stay unique across shards.
 */
async function runClosed(options: WebhookLoadOptions, load: ClosedLoadConfig): Promise<WebhookLoadOutcome> {
  const stripe = options.stripe ?? WHOLE_PLAN;
  const connections = shareOf(load.connections, stripe).count;
  let running = false;
  let local = 0;
  let firstSeq = 0;
  const nextSeq = (): number => firstSeq + globalIndex(local++, stripe);
  const sender: SenderSet = createSender(options, Math.max(1, connections), () => {
    if (running) sender.submit(nextSeq(), nowUs());
  });
  /** Keeps every connection busy from `startUs` for `durationUs`. */
  const loop = async (startUs: number, durationUs: number): Promise<void> => {
    const waitUs = startUs - nowUs();
    if (waitUs > 0) await sleepMs(waitUs / 1000, options.signal);
    running = true;
    for (let i = 0; i < connections; i++) sender.submit(nextSeq(), startUs);
    await sleepMs(Math.max(0, startUs + durationUs - nowUs()) / 1000, options.signal);
    running = false;
  };
  await warmUp(sender, options, async (durationUs) => {
    firstSeq = WARM_UP_FIRST_SEQ;
    await loop(nowUs(), durationUs);
  });
  firstSeq = 0;
  local = 0;
  const startUs = await scheduleStart(options);
  await loop(startUs, load.durationUs);
  const activeUs = nowUs() - startUs;
  await drain(sender, options);
  return { activeUs, dispatched: local };
}
