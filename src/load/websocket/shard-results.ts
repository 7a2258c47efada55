import { createHistogram, encodeHistogram, recordUs } from '../../metrics/histogram.js';
import type { Recorder } from '../../metrics/recorder.js';
import type { ShardResult } from './shard-messages.js';

/** Adds a child's counter increments so they also land in the current second of the timeline. */
export function addCounterDeltas(recorder: Recorder, delta: Record<string, number>): void {
  for (const [name, value] of Object.entries(delta)) recorder.count(name, value);
}

/** Per broadcast sequence, the latest arrival over every shard: when its last recipient got it. */
export function mergeBroadcastLast(perShard: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): Map<number, number> {
  const latest = new Map<number, number>();
  for (const pairs of perShard) {
    for (const [sequence, latencyUs] of pairs) {
      if (latencyUs > (latest.get(sequence) ?? -1)) latest.set(sequence, latencyUs);
    }
  }
  return latest;
}

/**
 * Merges the final reports of client shards into the recorder, exactly: counters add, histograms
 * add bucket by bucket, and `ws.broadcast.last` gets one value per broadcast — the max over shards.
 */
export function mergeShardResults(recorder: Recorder, results: readonly ShardResult[]): void {
  for (const result of results) {
    addCounterDeltas(recorder, result.counters);
    for (const [name, encoded] of Object.entries(result.histograms)) recorder.addEncodedHistogram(name, encoded);
    if (result.causes) recorder.addCauses(result.causes);
  }
  const latest = mergeBroadcastLast(results.map((result) => result.broadcastLastUs));
  if (latest.size === 0) return;
  const last = createHistogram();
  for (const latencyUs of latest.values()) recordUs(last, latencyUs);
  recorder.addEncodedHistogram('ws.broadcast.last', encodeHistogram(last));
}
