import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostCpuTicks, hostStealShare } from '../../../src/metrics/host-steal.js';

describe('host steal from /proc/stat', () => {
  it('reads the machine line: every CPU state summed, steal the eighth column', () => {
    const ticks = hostCpuTicks();
    if (process.platform !== 'linux') {
      expect(ticks).toBeUndefined();
      return;
    }
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    expect(ticks!.stealTicks).toBeGreaterThanOrEqual(fields[7]!);
    expect(ticks!.totalTicks).toBeGreaterThanOrEqual(fields.reduce((sum, value) => sum + value, 0));
    expect(ticks!.stealTicks).toBeLessThanOrEqual(ticks!.totalTicks);
  });

  it('is stolen ticks over all ticks between two readings, and absent without both or without time', () => {
    expect(hostStealShare({ totalTicks: 1_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 250 })).toBe(0.12);
    expect(hostStealShare({ totalTicks: 1_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 10 })).toBe(0);
    expect(hostStealShare(undefined, { totalTicks: 3_000, stealTicks: 10 })).toBeUndefined();
    expect(hostStealShare({ totalTicks: 3_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 10 })).toBeUndefined();
  });
});
