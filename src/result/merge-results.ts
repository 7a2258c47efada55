import { mergeCauses, type Causes } from '../metrics/causes.js';
import { InputError } from '../errors.js';
import { histogramSettings, STANDARD_HISTOGRAM_SETTINGS, type HistogramSettings } from '../metrics/histogram.js';
import { worstSendLagP99Us } from './generator-figures.js';
import { mergePipelineShards } from './merge-pipeline.js';
import { combineValidity, mergeMetrics, round, sum, sumCounters } from './merge-parts.js';
import type { DeliveryResult, DeliveryTransportResult, MergedShard, RunResult, ShardInfo, TimelinePoint, Validity } from './run-result.js';

/** One shard's result and the file it came from (named in every refusal). */
export interface ShardInput {
  file: string;
  result: RunResult;
}

export interface MergeOptions {
  /** Merge the shards that are there and mark the result invalid, instead of refusing missing shards. */
  allowPartial?: boolean;
}

type SharedShard = ShardInput & { shard: ShardInfo };

/**
 * Merges the results of one sharded run (`run --shard I/N`, I = 0..N-1) into the result one run
 * would have written: histograms added exactly, counters and ledgers summed, timelines aligned on
 * wall-clock seconds from the common start, validity the union of the shards' reasons. Refuses
 * (InputError, one line per problem) anything it cannot make exact: results that are not shards,
 * a mix of scenarios or plans, duplicate or missing shards, histograms with other HDR settings.
 * Thresholds are not judged here (the gate judges the merged result).
 */
export function mergeShardResults(inputs: readonly ShardInput[], options: MergeOptions = {}): RunResult {
  const shards = checkShards(inputs, options);
  const first = shards[0]!;
  const count = first.shard.count;
  const missing = missingIndexes(shards, count);
  const startMs = commonStartMs(shards);
  const endMs = Math.max(...shards.map(({ result }) => Date.parse(result.startedAt) + result.durationMs));
  const beganMs = Math.min(...shards.map(({ result }) => Date.parse(result.startedAt)));
  const validity = combineValidity(
    shards.map(({ result }) => result.validity),
    shards.map(({ shard }) => `shard ${shard.index}`),
  );
  if (missing.length > 0) {
    validity.ok = false;
    validity.reasons.push(...missing.map((index) => `${missingLine(index, count)} (merged with --allow-partial: the numbers cover only part of the plan)`));
  }
  const asked = shards.flatMap(({ result }) => (result.validity.askedRatePerSec === undefined ? [] : [result.validity.askedRatePerSec]));
  const achieved = shards.flatMap(({ result }) => (result.validity.achievedRatePerSec === undefined ? [] : [result.validity.achievedRatePerSec]));
  // Every shard's rates are over the same planned window, so the plan's rates are their sums.
  if (asked.length > 0) validity.askedRatePerSec = round(sum(asked), 2);
  if (achieved.length > 0) validity.achievedRatePerSec = round(sum(achieved), 2);
  Object.assign(validity, websocketValidity(shards.map(({ result }) => result.validity)));
  const delivery = mergeDelivery(shards.map(({ result }) => result.delivery));
  if (delivery && !delivery.ledgerBalanced) {
    validity.ok = false;
    validity.reasons.push('the merged ledger does not balance: published != delivered + lost + in flight over the shards');
  }
  const pipeline = mergePipelineShards(
    shards.map(({ file, shard, result }) => ({ file, index: shard.index, result })),
    count,
  );
  if (pipeline) {
    validity.warnings.push(...pipeline.warnings);
    if (pipeline.reasons.length > 0) validity.ok = false;
    validity.reasons.push(...pipeline.reasons);
  }
  const metrics = mergeMetrics(shards.map(({ result }) => result));
  if (pipeline) metrics['pipeline.last'] = pipeline.last;
  const { thresholds: _judgedAtMerge, trials: _trials, shard: _shard, pipeline: _shardEvents, ...base } = first.result;
  return {
    ...base,
    startedAt: new Date(beganMs).toISOString(),
    durationMs: Math.max(0, endMs - beganMs),
    interrupted: shards.some(({ result }) => result.interrupted),
    metrics,
    counters: sortedCounters({
      ...sumCounters(
        shards.map(({ result }) => result),
        'sum',
      ),
      ...pipeline?.counters,
    }),
    timeline: alignTimelines(shards, startMs),
    ...causesOf(shards.map(({ result }) => result)),
    validity,
    ...(delivery ? { delivery } : {}),
    ...(pipeline ? { pipeline: pipeline.pipeline } : {}),
    merged: {
      count,
      planHash: first.shard.planHash,
      ...(first.shard.startAt ? { startAt: first.shard.startAt } : {}),
      startSpreadUs: startSpreadUs(shards),
      shards: shards.map(shardHealth),
      missing,
    },
  };
}

function sortedCounters(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).sort(([a], [b]) => a.localeCompare(b)));
}

/** The shards' causes merged (absent when none failed). */
export function causesOf(results: readonly RunResult[]): { causes?: Causes } {
  const causes = mergeCauses(results.map((result) => result.causes));
  return Object.keys(causes).length > 0 ? { causes } : {};
}

export function missingLine(index: number, count: number): string {
  return `shard ${index} of ${count} is missing`;
}

function checkShards(inputs: readonly ShardInput[], options: MergeOptions): SharedShard[] {
  if (inputs.length === 0) throw new InputError('merge: no result.json files given');
  const problems: string[] = [];
  const shards: SharedShard[] = [];
  for (const input of inputs) {
    if (input.result.shard) shards.push({ ...input, shard: input.result.shard });
    else problems.push(`${input.file}: not a shard result (it has no "shard" field: run it with --shard I/N)`);
  }
  if (shards.length === 0) throw new InputError(problems);
  const first = shards[0]!;
  for (const other of shards.slice(1)) {
    if (other.result.scenario.name !== first.result.scenario.name) {
      problems.push(`${other.file}: scenario "${other.result.scenario.name}" differs from "${first.result.scenario.name}" in ${first.file}`);
    } else if (other.shard.count !== first.shard.count) {
      problems.push(`${other.file}: shard count ${other.shard.count} differs from ${first.shard.count} in ${first.file}`);
    } else if (other.shard.planHash !== first.shard.planHash) {
      problems.push(`${other.file}: planHash ${short(other.shard.planHash)} differs from ${short(first.shard.planHash)} in ${first.file} (the scenario, its flags or seed differ)`);
    }
  }
  const byIndex = new Map<number, string>();
  for (const { file, shard } of shards) {
    if (shard.index >= shard.count) problems.push(`${file}: shard index ${shard.index} is not below its count ${shard.count}`);
    const seen = byIndex.get(shard.index);
    if (seen !== undefined) problems.push(`shard ${shard.index} of ${shard.count} appears twice: ${seen} and ${file}`);
    else byIndex.set(shard.index, file);
  }
  problems.push(...histogramProblems(shards));
  if (problems.length === 0 && !options.allowPartial) {
    problems.push(...missingIndexes(shards, first.shard.count).map((index) => `${missingLine(index, first.shard.count)} (pass --allow-partial to merge the rest as an invalid result)`));
    // An interrupted shard (SIGTERM on eviction, a node drain, Ctrl-C) covers only part of its stripe: partial, like a missing one.
    for (const { file, shard, result } of shards) {
      if (result.interrupted) problems.push(`${file}: shard ${shard.index} of ${shard.count} was interrupted (pass --allow-partial to merge it as an invalid result)`);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return [...shards].sort((a, b) => a.shard.index - b.shard.index);
}

/** Histograms add exactly only with the same HDR settings: every metric of every shard must have pushbench's. */
function histogramProblems(shards: readonly SharedShard[]): string[] {
  const problems: string[] = [];
  for (const { file, result } of shards) {
    for (const [name, metric] of Object.entries(result.metrics)) {
      let settings: HistogramSettings;
      try {
        settings = histogramSettings(metric.hdr);
      } catch {
        problems.push(`${file}: metric ${name}: the histogram cannot be decoded`);
        continue;
      }
      if (!sameSettings(settings, STANDARD_HISTOGRAM_SETTINGS)) {
        problems.push(
          `${file}: metric ${name} was recorded with HDR settings ${describe(settings)}, not ${describe(STANDARD_HISTOGRAM_SETTINGS)}: it cannot be added exactly`,
        );
      }
    }
  }
  return problems;
}

function sameSettings(a: HistogramSettings, b: HistogramSettings): boolean {
  return a.lowestUs === b.lowestUs && a.highestUs === b.highestUs && a.significantDigits === b.significantDigits;
}

function describe(settings: HistogramSettings): string {
  return `${settings.lowestUs}..${settings.highestUs} µs at ${settings.significantDigits} digits`;
}

function missingIndexes(shards: readonly SharedShard[], count: number): number[] {
  const present = new Set(shards.map(({ shard }) => shard.index));
  return Array.from({ length: count }, (_unused, index) => index).filter((index) => !present.has(index));
}

/** The asked common start when the shards had one, else the earliest actual start. */
function commonStartMs(shards: readonly SharedShard[]): number {
  const asked = shards[0]!.shard.startAt;
  if (asked !== undefined) return Date.parse(asked);
  return Math.min(...shards.map(({ shard }) => Date.parse(shard.startedAt)));
}

function startSpreadUs(shards: readonly SharedShard[]): number {
  const startsUs = shards.map(({ shard }) => startUs(shard));
  return Math.max(...startsUs) - Math.min(...startsUs);
}

/** A shard's actual start in wall-clock µs: the asked start plus its skew when there was one (exact to the µs). */
function startUs(shard: ShardInfo): number {
  return shard.startAt !== undefined ? Date.parse(shard.startAt) * 1000 + shard.startSkewUs : Date.parse(shard.startedAt) * 1000;
}

/**
 * Second s of a shard's timeline is wall-clock second (its start - the common start) + s of the
 * merged one. Counts and gauges add up (every shard holds its part); the per-second p99 is the
 * highest shard's, an upper bound (a percentile of the union is not derivable from the parts' p99s;
 * the whole-run histograms are exact).
 */
function alignTimelines(shards: readonly SharedShard[], commonStartMs: number): TimelinePoint[] {
  const bySecond = new Map<number, TimelinePoint>();
  for (const { shard, result } of shards) {
    const offset = Math.max(0, Math.round((startUs(shard) / 1000 - commonStartMs) / 1000));
    for (const point of result.timeline) {
      const second = point.second + offset;
      let merged = bySecond.get(second);
      if (!merged) {
        merged = { second, counts: {}, p99Us: {}, gauges: {} };
        bySecond.set(second, merged);
      }
      addInto(merged.counts, point.counts);
      addInto(merged.gauges, point.gauges);
      for (const [name, value] of Object.entries(point.p99Us)) merged.p99Us[name] = Math.max(merged.p99Us[name] ?? 0, value);
    }
  }
  const last = Math.max(-1, ...bySecond.keys());
  // A second in which no shard recorded anything still belongs on the axis.
  return Array.from({ length: last + 1 }, (_unused, second) => bySecond.get(second) ?? { second, counts: {}, p99Us: {}, gauges: {} });
}

function addInto(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
}

/** Ledgers add per transport, then are checked again: published == delivered + lost + in flight, nothing unexplained. */
function mergeDelivery(all: readonly (DeliveryResult | undefined)[]): DeliveryResult | undefined {
  const present = all.filter((delivery) => delivery !== undefined);
  if (present.length === 0) return undefined;
  const transports: Record<string, DeliveryTransportResult> = {};
  for (const delivery of present) {
    for (const [name, part] of Object.entries(delivery.transports)) transports[name] = transports[name] ? addLedgers(transports[name], part) : { ...part };
  }
  for (const ledger of Object.values(transports)) {
    ledger.balanced =
      ledger.balanced && ledger.ackedNotReceived === 0 && ledger.receivedNotSent === 0 && ledger.published === ledger.delivered + ledger.lost + ledger.inflight;
  }
  return { transports, ledgerBalanced: Object.values(transports).every((ledger) => ledger.balanced) };
}

function addLedgers(a: DeliveryTransportResult, b: DeliveryTransportResult): DeliveryTransportResult {
  const published = a.published + b.published;
  const delivered = a.delivered + b.delivered;
  const sendCpuMs = a.sendCpuMs + b.sendCpuMs;
  const receiveCpuMs = a.receiveCpuMs + b.receiveCpuMs;
  const bytesOnWire = a.bytesOnWire + b.bytesOnWire;
  const perThousand = (cpuMs: number): number => (published === 0 ? 0 : round((cpuMs / published) * 1000, 3));
  const attempts = a.attempts !== undefined || b.attempts !== undefined ? (a.attempts ?? 0) + (b.attempts ?? 0) : undefined;
  return {
    published,
    delivered,
    lost: a.lost + b.lost,
    inflight: a.inflight + b.inflight,
    duplicates: a.duplicates + b.duplicates,
    reordered: a.reordered + b.reordered,
    ackedNotReceived: a.ackedNotReceived + b.ackedNotReceived,
    receivedNotSent: a.receivedNotSent + b.receivedNotSent,
    balanced: a.balanced && b.balanced,
    sendCpuMs: round(sendCpuMs, 1),
    receiveCpuMs: round(receiveCpuMs, 1),
    sendCpuMsPer1kEvents: perThousand(sendCpuMs),
    receiveCpuMsPer1kEvents: perThousand(receiveCpuMs),
    bytesOnWire,
    bytesPerDelivered: delivered === 0 ? 0 : round(bytesOnWire / delivered, 1),
    peakSockets: a.peakSockets + b.peakSockets,
    ...(attempts !== undefined ? { attempts, retryAmplification: published === 0 ? 0 : round(attempts / published, 4) } : {}),
  };
}

/**
 * WebSocket figures of shards that ran side by side: every shard's processes, the connect rates
 * added, client memory per connection the mean of the shards' (their shares differ by at most one).
 */
function websocketValidity(all: readonly Validity[]): Pick<Validity, 'shards' | 'clientBytesPerConnection' | 'connectRatePerSec'> {
  const processes = all.flatMap((validity) => validity.shards ?? []);
  const bytes = all.flatMap((validity) => (validity.clientBytesPerConnection === undefined ? [] : [validity.clientBytesPerConnection]));
  const rates = all.flatMap((validity) => (validity.connectRatePerSec === undefined ? [] : [validity.connectRatePerSec]));
  return {
    ...(processes.length > 0 ? { shards: processes } : {}),
    ...(bytes.length > 0 ? { clientBytesPerConnection: Math.round(sum(bytes) / bytes.length) } : {}),
    ...(rates.length > 0 ? { connectRatePerSec: round(sum(rates), 1) } : {}),
  };
}

function shardHealth({ file, shard, result }: SharedShard): MergedShard {
  const v = result.validity;
  return {
    index: shard.index,
    file,
    ...(result.env.hostname ? { hostname: result.env.hostname } : {}),
    startedAt: shard.startedAt,
    startSkewUs: shard.startSkewUs,
    durationMs: result.durationMs,
    valid: v.ok,
    reasons: v.reasons,
    cpuMs: round(sum(v.processes.map((process) => process.cpuMs)) || v.cpuUserMs + v.cpuSystemMs, 1),
    maxRssBytes: Math.max(0, ...v.processes.map((process) => process.maxRssBytes)),
    eventLoopDelayP99Us: v.eventLoopDelayP99Us,
    ...(v.lateSendFraction !== undefined ? { lateSendFraction: v.lateSendFraction } : {}),
    ...(worstSendLagP99Us(v) !== undefined ? { sendLagP99Us: worstSendLagP99Us(v)! } : {}),
    ...(v.achievedRatePerSec !== undefined ? { achievedRatePerSec: v.achievedRatePerSec } : {}),
  };
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
