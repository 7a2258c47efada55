import { InputError } from '../errors.js';
import { createHistogram, recordUs, summarizeHistogram } from '../metrics/histogram.js';
import { decodePipelineEvents, EVENT_ACCEPTED, EVENT_FAILED, EVENT_UNFINISHED, type PipelineEventColumns } from './pipeline-events.js';
import type { MetricSummary, PipelineResult, RunResult } from './run-result.js';

/** One shard of a sharded pipeline run: its place and its result. */
export interface PipelineShard {
  file: string;
  index: number;
  result: RunResult;
}

export interface MergedPipeline {
  pipeline: PipelineResult;
  /** Counters that only the per-event columns give exactly: they replace the shards' sums. */
  counters: Record<string, number>;
  /** `pipeline.last`: per accepted event that reached every expected subscriber on every shard, the latest receipt. */
  last: MetricSummary;
  warnings: string[];
  reasons: string[];
}

/**
 * Adds up the shards of a pipeline run per event. Event g's webhook was sent by shard g mod count
 * (its status says whether the backend accepted it); every shard says how many of its subscribers
 * were held at g's intended time, how many of them got the push, and the latest receipt. So:
 * expected = per accepted event, the held subscribers of every shard; missing = expected - delivered;
 * `pipeline.last` = per event the latest over every shard's subscribers, when none is missing.
 * Undefined when the shards ran no pipeline.
 */
export function mergePipelineShards(shards: readonly PipelineShard[], count: number): MergedPipeline | undefined {
  const withPipeline = shards.filter(({ result }) => result.pipeline?.shardEvents !== undefined);
  if (withPipeline.length === 0) return undefined;
  const problems = shards.filter(({ result }) => result.pipeline?.shardEvents === undefined).map(({ file }) => `${file}: no pipeline.shardEvents, unlike the other shards' results`);
  if (problems.length > 0) throw new InputError(problems);
  const columns = new Map<number, PipelineEventColumns>(shards.map(({ file, index, result }) => [index, decodePipelineEvents(result.pipeline!.shardEvents!, file)]));
  const events = columns.get(shards[0]!.index)!.status.length;
  for (const { file, index } of shards) {
    if (columns.get(index)!.status.length !== events) throw new InputError(`${file}: pipeline.shardEvents has ${columns.get(index)!.status.length} events, not ${events} like ${shards[0]!.file}`);
  }
  const all = [...columns.entries()];
  const counters = { 'pipeline.events': 0, 'pipeline.expected': 0, 'pipeline.delivered': 0, 'pipeline.missing': 0, 'pipeline.refusedDelivered': 0, 'pipeline.unexpected': 0 };
  let unmatchedElsewhere = 0;
  let strayedSamples = 0;
  const last = createHistogram();
  for (let event = 0; event < events; event++) {
    const sender = event % count;
    // A missing shard's (--allow-partial) events are in no total: whether they were accepted is unknown.
    if (!columns.has(sender)) continue;
    const status = columns.get(sender)!.status[event]!;
    let held = 0;
    let delivered = 0;
    let received = 0;
    let receivedElsewhere = 0;
    let deliveredElsewhere = 0;
    let lastUs = 0;
    for (const [index, shard] of all) {
      held += shard.held[event]!;
      delivered += shard.delivered[event]!;
      received += shard.received[event]!;
      if (index !== sender) {
        receivedElsewhere += shard.received[event]!;
        deliveredElsewhere += shard.delivered[event]!;
      }
      if (shard.held[event]! > 0 && shard.lastUs[event]! > lastUs) lastUs = shard.lastUs[event]!;
    }
    if (status === EVENT_ACCEPTED) {
      counters['pipeline.events']++;
      counters['pipeline.expected'] += held;
      counters['pipeline.delivered'] += delivered;
      counters['pipeline.missing'] += held - delivered;
      counters['pipeline.unexpected'] += received - delivered;
      if (held > 0 && delivered === held) recordUs(last, lastUs);
    } else if (status === EVENT_FAILED || status === EVENT_UNFINISHED) {
      counters['pipeline.refusedDelivered'] += received;
      // The other shards could not know this webhook failed: their receipts of it went into pipeline.latency.
      strayedSamples += deliveredElsewhere;
    } else {
      // Sent by no one: the sending shard counted its own receipts unmatched; the others matched them to the schedule.
      unmatchedElsewhere += receivedElsewhere;
      strayedSamples += deliveredElsewhere;
    }
  }
  const unmatched = shards.reduce((sum, { result }) => sum + (result.counters['pipeline.unmatched'] ?? 0), 0) + unmatchedElsewhere;
  const warnings =
    strayedSamples > 0
      ? [
          `pipeline.latency holds ${strayedSamples} receipts of events whose webhook the sending shard saw fail or never sent (a shard cannot know another's responses); the pipeline counters and pipeline.last exclude them`,
        ]
      : [];
  const reasons: string[] = [];
  const ingestOk = shards.reduce((sum, { result }) => sum + (result.counters['pipeline.ingest.ok'] ?? 0), 0);
  if (ingestOk === 0) reasons.push('pipeline: no webhook was accepted on any shard');
  else if (counters['pipeline.delivered'] === 0) reasons.push(`pipeline: no push matched: ${ingestOk} webhooks accepted, ${counters['pipeline.expected']} deliveries expected over the shards`);
  return { pipeline: { clocks: 'assumed-synced' }, counters: { ...counters, 'pipeline.unmatched': unmatched }, last: summarizeHistogram(last), warnings, reasons };
}
