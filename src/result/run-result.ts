import { z } from 'zod';

/**
 * result.json: the only contract between measuring and presenting. report, compare, gate and
 * merge read nothing else. Bump RESULT_SCHEMA_VERSION on any change that breaks a reader.
 */
export const RESULT_SCHEMA_VERSION = 1;

const integerUs = z.number().int().min(0);

export const metricSummarySchema = z.object({
  unit: z.literal('us'),
  count: z.number().int().min(0),
  min: integerUs,
  mean: integerUs,
  p50: integerUs,
  p90: integerUs,
  p99: integerUs,
  p999: integerUs,
  max: integerUs,
  hdr: z.string().min(1),
});

export const timelinePointSchema = z.object({
  second: z.number().int().min(0),
  counts: z.record(z.string(), z.number()),
  /** Absent in results written before pushbench recorded the per-second median. */
  p50Us: z.record(z.string(), z.number()).optional(),
  p99Us: z.record(z.string(), z.number()),
  gauges: z.record(z.string(), z.number()),
});

/** One distinct cause of failures counted in a counter, and how many of them it explains. */
export const causeCountSchema = z.object({ cause: z.string(), count: z.number().int().min(0) });

/** One WebSocket child process: its connections and whether it kept up. */
export const shardHealthSchema = z.object({
  role: z.string(),
  pid: z.number().int(),
  /** Connections it held at the end of the hold (clients) or at the last report (servers). */
  connections: z.number().int().min(0),
  maxRssBytes: z.number().int().min(0),
  eventLoopDelayP99Us: integerUs,
  eventLoopDelayMaxUs: integerUs,
  cpuMs: z.number().min(0),
});

/** One process of a run (generator, target, shard): its CPU time and peak memory. */
export const processStatsSchema = z.object({ role: z.string(), pid: z.number().int(), cpuMs: z.number().min(0), maxRssBytes: z.number().int().min(0) });

/**
 * One process that generated or paced load (webhook generator, WebSocket client shard, delivery
 * publisher): the figures the validity rule judged it by (see docs/metrics.md, "Validity").
 */
export const generatorFiguresSchema = z.object({
  role: z.string(),
  pid: z.number().int(),
  /** CPU time over wall time (1 = one core all the time). */
  cpuShare: z.number().min(0),
  /** Linux: of the time its event-loop thread was runnable, the share it waited on a run queue (wait / (wait + run)). */
  runQueueWaitShare: z.number().min(0).optional(),
  /** Linux: mean run-queue wait per timeslice its event-loop thread got (µs): how long each wake-up waited for a CPU. */
  runQueueWaitMeanUs: integerUs.optional(),
  /** Linux: of the machine's CPU time over the process's window, the share the hypervisor stole (a machine figure). */
  hostStealShare: z.number().min(0).max(1).optional(),
  eventLoopUtilization: z.number().min(0).max(1),
  eventLoopDelayP50Us: integerUs,
  eventLoopDelayP90Us: integerUs,
  eventLoopDelayP99Us: integerUs,
  eventLoopDelayMaxUs: integerUs,
  /** A process that paced an open-model schedule: how late its sends started, and how many it sent. */
  dispatched: z.number().int().min(0).optional(),
  sendLagP50Us: integerUs.optional(),
  sendLagP90Us: integerUs.optional(),
  sendLagP99Us: integerUs.optional(),
  sendLagMaxUs: integerUs.optional(),
  /** Lowest achieved share of the schedule over a 1 s window, and that window's second. */
  worstWindowRateShare: z.number().min(0).max(1).optional(),
  worstWindowSecond: z.number().int().min(0).optional(),
});

/** One figure of the validity rule against its bound: `ratio` 1 means at the invalid bound. */
export const boundCheckSchema = z.object({
  process: z.string(),
  figure: z.string(),
  value: z.number(),
  bound: z.number(),
  unit: z.enum(['us', 'share']),
  ratio: z.number().min(0),
});

export const validitySchema = z.object({
  ok: z.boolean(),
  reasons: z.array(z.string()),
  warnings: z.array(z.string()).default([]),
  eventLoopDelayP99Us: integerUs,
  eventLoopDelayMaxUs: integerUs,
  eventLoopUtilization: z.number().min(0).max(1),
  cpuUserMs: z.number().min(0),
  cpuSystemMs: z.number().min(0),
  /** Results written before the run's own figures decided validity: sends later than a calibrated threshold. Not written any more. */
  lateSends: z.number().int().min(0).optional(),
  lateSendThresholdUs: z.number().int().min(0).optional(),
  lateSendFraction: z.number().min(0).max(1).optional(),
  askedRatePerSec: z.number().min(0).optional(),
  achievedRatePerSec: z.number().min(0).optional(),
  processes: z.array(processStatsSchema).default([]),
  /** WebSocket runs: every client shard and built-in server process. */
  shards: z.array(shardHealthSchema).optional(),
  /** WebSocket runs: client RSS growth (held - before connecting) per held connection. */
  clientBytesPerConnection: z.number().min(0).optional(),
  /** WebSocket runs: connections opened per second of the ramp (first connect to last settled). */
  connectRatePerSec: z.number().min(0).optional(),
  /** Every process that generated or paced load, with the figures the rule judged (absent in older results). */
  generators: z.array(generatorFiguresSchema).optional(),
  /** The judged figure that came nearest its invalid bound (absent in older results and when nothing was judged). */
  nearestBound: boundCheckSchema.optional(),
});

export const envSchema = z.object({
  node: z.string(),
  os: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cores: z.number().int().min(0),
  totalMemoryBytes: z.number().int().min(0),
  hostname: z.string().optional(),
  gitCommit: z.string().optional(),
});

/** One threshold of the scenario, judged against the (merged) result. `unit` says what `measured` is in. */
export const thresholdEvaluationSchema = z.object({
  metric: z.string(),
  threshold: z.string(),
  measured: z.number().nullable(),
  unit: z.enum(['us', 'ratio', 'count']),
  pass: z.boolean(),
  note: z.string().optional(),
});

/** One trial of `run --repeat N`: what compare needs to take medians and measure the spread between trials. */
/** A wall-clock instant as written by pushbench (ISO-8601); anything Date cannot read is refused at read time. */
const isoInstant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO-8601 time like 2026-12-01T22:47:10.000Z');

export const trialSchema = z.object({
  startedAt: isoInstant,
  durationMs: z.number().min(0),
  throughputPerSec: z.number().min(0),
  validityOk: z.boolean(),
  metrics: z.record(z.string(), metricSummarySchema),
  counters: z.record(z.string(), z.number()),
});

/** One transport of a delivery run: its ledger (in (event, subscriber) pairs) and what delivering cost. */
export const deliveryTransportSchema = z.object({
  published: z.number().int().min(0),
  delivered: z.number().int().min(0),
  lost: z.number().int().min(0),
  inflight: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  reordered: z.number().int().min(0),
  /** The sender saw a 2xx / ack the subscriber never recorded. */
  ackedNotReceived: z.number().int().min(0),
  /** The subscriber recorded a pair the sender never sent. */
  receivedNotSent: z.number().int().min(0),
  /** published == delivered + lost + inflight, and the two views agree. */
  balanced: z.boolean(),
  sendCpuMs: z.number().min(0),
  receiveCpuMs: z.number().min(0),
  sendCpuMsPer1kEvents: z.number().min(0),
  receiveCpuMsPer1kEvents: z.number().min(0),
  /** Both directions, HTTP headers / WebSocket handshakes and framing included. */
  bytesOnWire: z.number().int().min(0),
  bytesPerDelivered: z.number().min(0),
  peakSockets: z.number().int().min(0),
  /** HTTP requests (webhook attempts, SSE stream GETs, polls) + WebSocket upgrades, and that per delivered pair. Absent in older results. */
  requests: z.number().int().min(0).optional(),
  requestsPerDelivered: z.number().min(0).optional(),
  /** First receipts of (event, subscriber) pairs in each second since the stream's start (index = second). Absent in older results. */
  deliveredPerSecond: z.array(z.number().int().min(0)).optional(),
  /** Webhook: attempts made, and attempts / published. */
  attempts: z.number().int().min(0).optional(),
  retryAmplification: z.number().min(0).optional(),
});

export const deliveryResultSchema = z.object({
  transports: z.record(z.string(), deliveryTransportSchema),
  ledgerBalanced: z.boolean(),
  /** The stream's planned length (each transport streams it from its own start). Absent in older results. */
  streamDurationUs: z.number().int().min(0).optional(),
  /** The receiver outage, from the start of each transport's stream. Absent when none was injected (and in older results). */
  outage: z.object({ atUs: z.number().int().min(0), forUs: z.number().int().min(0) }).optional(),
});

/**
 * One shard's per-event view of a sharded pipeline run, for `merge`: column i is event i of the
 * global schedule. Each column is little-endian integers, deflated (raw) and base64-encoded.
 */
export const pipelineShardEventsSchema = z.object({
  /** Events of the global schedule (the length of every column). */
  events: z.number().int().min(0),
  /** Subscribers this shard held (its share of `subscribers.*.connections`). */
  subscribers: z.number().int().min(0),
  encoding: z.literal('deflate-raw-base64'),
  /** uint8: 1 this shard sent the event's webhook and it was accepted, 2 refused or failed, 3 unfinished, 0 this shard sent none (another shard's event, not sent, or without a correlation value). */
  status: z.string(),
  /** uint16: this shard's subscribers held at the event's intended send time. */
  held: z.string(),
  /** uint16: of those, the ones whose push arrived. */
  delivered: z.string(),
  /** uint16: this shard's subscribers that got the push at all (held or not). */
  received: z.string(),
  /** uint32: the latest of the held subscribers' receipts, µs from the intended send time (0 without any). */
  lastUs: z.string(),
});

/** A sharded pipeline run (a shard's result and the merged one). */
export const pipelineResultSchema = z.object({
  /** Every shard times every event (another shard may have sent it) on its own clock from the common start: the shards' clocks are assumed synced, as `--start-at` assumes. */
  clocks: z.literal('assumed-synced'),
  /** A shard's result only: what merge adds up exactly. */
  shardEvents: pipelineShardEventsSchema.optional(),
});

/** A shard's place in a sharded run (`run --shard I/N`): what merge checks and aligns on. */
export const shardInfoSchema = z.object({
  /** 0-based, so Kubernetes' JOB_COMPLETION_INDEX fits as is. */
  index: z.number().int().min(0),
  count: z.number().int().min(1),
  /** sha256 of the resolved scenario (secrets excluded) and `count`: shards of one plan share it. */
  planHash: z.string().min(1),
  /** Wall-clock instant this shard's schedule started (ISO-8601, µs resolution in startSkewUs). */
  startedAt: isoInstant,
  /** How far after the asked `--start-at` the schedule started (µs; 0 without --start-at). */
  startSkewUs: z.number().int(),
  /** The asked common start (`--start-at`), when one was given. */
  startAt: isoInstant.optional(),
});

/** One shard as merge saw it: enough to show its health beside the merged numbers. */
export const mergedShardSchema = z.object({
  index: z.number().int().min(0),
  file: z.string(),
  hostname: z.string().optional(),
  startedAt: isoInstant,
  startSkewUs: z.number().int(),
  durationMs: z.number().min(0),
  valid: z.boolean(),
  reasons: z.array(z.string()),
  cpuMs: z.number().min(0),
  maxRssBytes: z.number().int().min(0),
  eventLoopDelayP99Us: integerUs,
  /** Older results only. */
  lateSendFraction: z.number().min(0).max(1).optional(),
  /** The shard's worst sendLag p99 over its generating processes. */
  sendLagP99Us: integerUs.optional(),
  achievedRatePerSec: z.number().min(0).optional(),
});

/** Present on the result of `pushbench merge`: which shards it holds and which are missing. */
export const mergeInfoSchema = z.object({
  count: z.number().int().min(1),
  planHash: z.string().min(1),
  startAt: isoInstant.optional(),
  /** The spread of the shards' actual starts (latest - earliest, µs). */
  startSpreadUs: z.number().int().min(0),
  shards: z.array(mergedShardSchema),
  /** Indexes absent from the merge (only with --allow-partial; the result is then invalid). */
  missing: z.array(z.number().int().min(0)),
});

export const runResultSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('pushbench'), version: z.string() }),
  scenario: z.object({ name: z.string(), file: z.string(), config: z.record(z.string(), z.unknown()) }),
  startedAt: isoInstant,
  durationMs: z.number().min(0),
  /** The planned length of the load, in µs: the sum of the phases' windows (webhook load duration, websocket ramp + hold, delivery stream duration). Rates are per this window. */
  plannedWindowUs: z.number().int().min(0).optional(),
  interrupted: z.boolean().default(false),
  env: envSchema,
  metrics: z.record(z.string(), metricSummarySchema),
  counters: z.record(z.string(), z.number()),
  timeline: z.array(timelinePointSchema),
  /** Per failure counter, its first few distinct causes (close code and reason, error message, body head...) with a count each. Absent when nothing failed. */
  causes: z.record(z.string(), z.array(causeCountSchema)).optional(),
  validity: validitySchema,
  /** Present after `run --repeat N`: each trial apart; the top-level metrics merge them, counters sum them. */
  trials: z.array(trialSchema).min(1).optional(),
  /** The scenario's thresholds, evaluated after the run. */
  thresholds: z.array(thresholdEvaluationSchema).optional(),
  /** Present for a `delivery` scenario: per transport, in the order they ran. */
  delivery: deliveryResultSchema.optional(),
  /** Present for a sharded `pipeline` scenario (`run --shard I/N` with N > 1, and its merge). */
  pipeline: pipelineResultSchema.optional(),
  /** Present on one shard's result (`run --shard I/N`). */
  shard: shardInfoSchema.optional(),
  /** Present on a merged result (`pushbench merge`). */
  merged: mergeInfoSchema.optional(),
});

export type RunResult = z.output<typeof runResultSchema>;
export type Validity = z.output<typeof validitySchema>;
export type ProcessStats = z.output<typeof processStatsSchema>;
export type GeneratorFigures = z.output<typeof generatorFiguresSchema>;
export type BoundCheck = z.output<typeof boundCheckSchema>;
export type ShardHealth = z.output<typeof shardHealthSchema>;
export type EnvInfo = z.output<typeof envSchema>;
export type ThresholdEvaluation = z.output<typeof thresholdEvaluationSchema>;
export type Trial = z.output<typeof trialSchema>;
export type DeliveryResult = z.output<typeof deliveryResultSchema>;
export type TimelinePoint = z.output<typeof timelinePointSchema>;
export type ShardInfo = z.output<typeof shardInfoSchema>;
export type MergeInfo = z.output<typeof mergeInfoSchema>;
export type MergedShard = z.output<typeof mergedShardSchema>;
export type DeliveryTransportResult = z.output<typeof deliveryTransportSchema>;
export type PipelineResult = z.output<typeof pipelineResultSchema>;
export type PipelineShardEvents = z.output<typeof pipelineShardEventsSchema>;
export type MetricSummary = z.output<typeof metricSummarySchema>;
