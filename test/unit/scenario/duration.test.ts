import { describe, expect, it } from 'vitest';
import { formatDurationUs, parseDurationUs } from '../../../src/scenario/duration.js';

describe('durations', () => {
  it('parses units and combinations into integer microseconds', () => {
    expect(parseDurationUs('250us')).toBe(250);
    expect(parseDurationUs('500ms')).toBe(500_000);
    expect(parseDurationUs('20s')).toBe(20_000_000);
    expect(parseDurationUs('1m30s')).toBe(90_000_000);
    expect(parseDurationUs('1.5s')).toBe(1_500_000);
    expect(parseDurationUs('2h')).toBe(7_200_000_000);
  });

  it('rejects bare numbers and unknown units', () => {
    for (const bad of ['10', '10 s', '10sec', '', 's', '-1s']) expect(parseDurationUs(bad)).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDurationUs(850)).toBe('850us');
    expect(formatDurationUs(1_234)).toBe('1.23ms');
    expect(formatDurationUs(123_400)).toBe('123.4ms');
    expect(formatDurationUs(4_200_000)).toBe('4.20s');
    expect(formatDurationUs(125_000_000)).toBe('2m05s');
  });
});
