import { readFileSync } from 'node:fs';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { createHistogram, decodeHistogram, summarizeHistogram } from '../../../src/metrics/histogram.js';
import { mergeShardResults, type ShardInput } from '../../../src/result/merge-results.js';
import { parseResult } from '../../../src/result/read-result.js';
import type { RunResult } from '../../../src/result/run-result.js';

const FIXTURE = new URL('../../fixtures/results/webhook-burst/result.json', import.meta.url);
const base = parseResult(readFileSync(FIXTURE, 'utf8'), 'fixture');
const START_AT = '2026-11-28T17:00:00.000Z';

function summaryOf(samples: readonly number[]): RunResult['metrics'][string] {
  const histogram = createHistogram();
  for (const sample of samples) histogram.recordValue(sample);
  return summarizeHistogram(histogram);
}

/** Shard `index` of `count`, holding `samples` of webhook.latency and one timeline second per entry of `perSecond`. */
function shard(index: number, count: number, samples: readonly number[], extra: Partial<RunResult> = {}): ShardInput {
  const result: RunResult = {
    ...base,
    metrics: { 'webhook.latency': summaryOf(samples) },
    counters: { 'webhook.sent': samples.length, 'webhook.ok': samples.length, 'webhook.connections.open.peak': 3 },
    timeline: [
      { second: 0, counts: { 'webhook.sent': samples.length }, p99Us: { 'webhook.latency': Math.max(...samples) }, gauges: { 'webhook.connections.open': 3 } },
    ],
    validity: { ...base.validity, ok: true, reasons: [], askedRatePerSec: 100, achievedRatePerSec: 99.5 },
    shard: { index, count, planHash: 'a'.repeat(64), startedAt: new Date(Date.parse(START_AT) + index).toISOString(), startSkewUs: index * 1000 + 7, startAt: START_AT },
    ...extra,
  };
  return { file: `shard-${index}/result.json`, result };
}

function refusal(inputs: ShardInput[], allowPartial = false): string[] {
  try {
    mergeShardResults(inputs, { allowPartial });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('merge did not refuse');
}

describe('mergeShardResults', () => {
  it('adds histograms exactly: the merge equals one histogram of every sample', () => {
    const parts = [
      [10, 20, 30, 1_000],
      [15, 25, 5_000_000],
      [7, 7, 7, 7, 123_456],
    ];
    const merged = mergeShardResults(parts.map((samples, index) => shard(index, 3, samples)));
    const all = summaryOf(parts.flat());
    const latency = merged.metrics['webhook.latency']!;
    expect(latency.count).toBe(12);
    expect({ ...latency, hdr: '' }).toEqual({ ...all, hdr: '' });
    const decoded = decodeHistogram(latency.hdr);
    expect(decoded.totalCount).toBe(12);
    expect(decoded.maxValue).toBe(hdr.decodeFromCompressedBase64(all.hdr).maxValue);
  });

  it('sums counters and gauges, aligns timelines on the common start and sums the rates over the plan', () => {
    const merged = mergeShardResults([shard(0, 2, [1, 2]), shard(1, 2, [3, 4, 5])]);
    expect(merged.counters['webhook.sent']).toBe(5);
    expect(merged.counters['webhook.connections.open.peak']).toBe(6);
    expect(merged.timeline).toHaveLength(1);
    expect(merged.timeline[0]).toMatchObject({ second: 0, counts: { 'webhook.sent': 5 }, p99Us: { 'webhook.latency': 5 }, gauges: { 'webhook.connections.open': 6 } });
    expect(merged.validity.askedRatePerSec).toBe(200);
    expect(merged.validity.achievedRatePerSec).toBe(199);
    expect(merged.merged).toMatchObject({ count: 2, missing: [], startAt: START_AT, startSpreadUs: 1000 });
    expect(merged.merged!.shards.map((entry) => entry.index)).toEqual([0, 1]);
    expect(merged.shard).toBeUndefined();
    expect(merged.thresholds).toBeUndefined();
  });

  it('places a shard that started a second late one second later on the merged timeline', () => {
    const late = shard(1, 2, [3]);
    late.result.shard = { ...late.result.shard!, startSkewUs: 1_200_000 };
    const merged = mergeShardResults([shard(0, 2, [1]), late]);
    expect(merged.timeline.map((point) => point.counts['webhook.sent'])).toEqual([1, 1]);
  });

  it('makes validity the union of the shards\' reasons, each naming its shard', () => {
    const bad = shard(1, 2, [3]);
    bad.result.validity = { ...bad.result.validity, ok: false, reasons: ['started 250.0 ms after --start-at'] };
    const merged = mergeShardResults([shard(0, 2, [1]), bad]);
    expect(merged.validity.ok).toBe(false);
    expect(merged.validity.reasons).toEqual(['shard 1: started 250.0 ms after --start-at']);
  });

  it('refuses missing shards, naming each, and merges them as invalid with allowPartial', () => {
    const inputs = [shard(0, 4, [1]), shard(3, 4, [2])];
    expect(refusal(inputs)).toEqual([
      'shard 1 of 4 is missing (pass --allow-partial to merge the rest as an invalid result)',
      'shard 2 of 4 is missing (pass --allow-partial to merge the rest as an invalid result)',
    ]);
    const partial = mergeShardResults(inputs, { allowPartial: true });
    expect(partial.validity.ok).toBe(false);
    expect(partial.validity.reasons.join('\n')).toContain('shard 2 of 4 is missing');
    expect(partial.merged!.missing).toEqual([1, 2]);
  });

  it('refuses an interrupted shard (SIGTERM, eviction) unless allowPartial, then merges it as invalid and interrupted', () => {
    const interrupted = shard(1, 2, [5, 6]);
    interrupted.result = {
      ...interrupted.result,
      interrupted: true,
      validity: { ...interrupted.result.validity, ok: false, reasons: ['the run was interrupted before its end: the numbers cover only part of it'] },
    };
    const inputs = [shard(0, 2, [1, 2, 3]), interrupted];
    expect(refusal(inputs)).toEqual(['shard-1/result.json: shard 1 of 2 was interrupted (pass --allow-partial to merge it as an invalid result)']);
    const partial = mergeShardResults(inputs, { allowPartial: true });
    expect(partial.interrupted).toBe(true);
    expect(partial.validity.ok).toBe(false);
    expect(partial.validity.reasons).toContain('shard 1: the run was interrupted before its end: the numbers cover only part of it');
    expect(partial.metrics['webhook.latency']!.count).toBe(5);
    expect(partial.counters['webhook.sent']).toBe(5);
  });

  it('refuses duplicates, mixed scenarios, mixed plans and non-shard results, one line each', () => {
    const other = shard(1, 2, [1]);
    other.result = { ...other.result, scenario: { ...other.result.scenario, name: 'another' } };
    const otherPlan = shard(1, 2, [1]);
    otherPlan.result.shard = { ...otherPlan.result.shard!, planHash: 'b'.repeat(64) };
    const { shard: _dropped, ...plain } = shard(1, 2, [1]).result;
    expect(refusal([shard(0, 2, [1]), other])[0]).toBe('shard-1/result.json: scenario "another" differs from "webhook-burst" in shard-0/result.json');
    expect(refusal([shard(0, 2, [1]), otherPlan])[0]).toMatch(/^shard-1\/result.json: planHash bbbbbbbbbbbb differs from aaaaaaaaaaaa/);
    expect(refusal([shard(0, 2, [1]), { file: 'x/result.json', result: plain }])[0]).toMatch(/^x\/result.json: not a shard result/);
    const twice = refusal([shard(0, 2, [1]), shard(1, 2, [1]), { ...shard(1, 2, [2]), file: 'copy/result.json' }]);
    expect(twice).toEqual(['shard 1 of 2 appears twice: shard-1/result.json and copy/result.json']);
  });

  it('refuses histograms recorded with other HDR settings', () => {
    const odd = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 2, useWebAssembly: false });
    odd.recordValue(100);
    const foreign = shard(1, 2, [1]);
    foreign.result.metrics['webhook.latency'] = { ...foreign.result.metrics['webhook.latency']!, hdr: hdr.encodeIntoCompressedBase64(odd) };
    expect(refusal([shard(0, 2, [1]), foreign])).toEqual([
      'shard-1/result.json: metric webhook.latency was recorded with HDR settings 1..3600000000 µs at 2 digits, not 1..3600000000 µs at 3 digits: it cannot be added exactly',
    ]);
  });

  it('sums delivery ledgers and checks them again', () => {
    const ledger = {
      published: 10, delivered: 9, lost: 1, inflight: 0, duplicates: 0, reordered: 0, ackedNotReceived: 0, receivedNotSent: 0, balanced: true,
      sendCpuMs: 1, receiveCpuMs: 1, sendCpuMsPer1kEvents: 100, receiveCpuMsPer1kEvents: 100, bytesOnWire: 900, bytesPerDelivered: 100, peakSockets: 2,
    };
    const delivery = { transports: { webhook: ledger }, ledgerBalanced: true };
    const merged = mergeShardResults([shard(0, 2, [1], { delivery }), shard(1, 2, [1], { delivery: { transports: { webhook: { ...ledger, delivered: 8 } }, ledgerBalanced: true } })]);
    expect(merged.delivery!.transports.webhook).toMatchObject({ published: 20, delivered: 17, lost: 2, balanced: false });
    expect(merged.validity.ok).toBe(false);
    expect(merged.validity.reasons.at(-1)).toMatch(/merged ledger does not balance/);
  });
});
