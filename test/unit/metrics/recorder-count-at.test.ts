import { describe, expect, it } from 'vitest';
import { nowUs } from '../../../src/metrics/clock.js';
import { Recorder } from '../../../src/metrics/recorder.js';

describe('Recorder.countAt', () => {
  it('counts in the second of the given time: a closed second gets it added, a time past the last roll-over rolls the seconds first', () => {
    const startUs = nowUs() - 2_500_000; // second 2 is running
    const recorder = new Recorder(startUs);
    recorder.countAt('webhook.sent', startUs + 100, 3); // second 0, already closed
    recorder.countAt('webhook.sent', startUs + 1_999_999); // second 1, already closed
    recorder.countAt('webhook.sent', startUs - 5_000); // before the start: second 0
    recorder.countAt('webhook.sent', startUs + 2_000_000, 2); // the running second
    const out = recorder.close();
    expect(out.counters['webhook.sent']).toBe(7);
    expect(out.timeline.map((point) => point.counts['webhook.sent'] ?? 0)).toEqual([4, 1, 2]);
  });
});
