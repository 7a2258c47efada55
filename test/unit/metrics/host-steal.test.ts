import { describe, expect, it } from 'vitest';
import { hostCpuTicks, hostCpuTicksFromProcStat, hostStealShare } from '../../../src/metrics/host-steal.js';

describe('host steal from /proc/stat', () => {
  it('reads the machine line: every CPU state summed, steal the eighth column, guest columns left out', () => {
    const procStat = 'cpu  100 2 30 4000 5 6 7 80 9 10\ncpu0 50 1 15 2000 2 3 3 40 4 5\nintr 1 2 3\n';
    expect(hostCpuTicksFromProcStat(procStat)).toEqual({ totalTicks: 100 + 2 + 30 + 4000 + 5 + 6 + 7 + 80, stealTicks: 80 });
  });

  it('is absent for a text that is not the machine line with a steal column', () => {
    expect(hostCpuTicksFromProcStat('cpu0 1 2 3 4 5 6 7 8\n')).toBeUndefined();
    expect(hostCpuTicksFromProcStat('cpu  1 2 3 4 5 6 7\n')).toBeUndefined();
    expect(hostCpuTicksFromProcStat('cpu  1 2 3 x 5 6 7 8\n')).toBeUndefined();
    expect(hostCpuTicksFromProcStat('')).toBeUndefined();
  });

  it('reads this machine: ticks on Linux, steal within them; nothing elsewhere', () => {
    const ticks = hostCpuTicks();
    if (process.platform !== 'linux') {
      expect(ticks).toBeUndefined();
      return;
    }
    expect(ticks!.totalTicks).toBeGreaterThan(0);
    expect(ticks!.stealTicks).toBeGreaterThanOrEqual(0);
    expect(ticks!.stealTicks).toBeLessThanOrEqual(ticks!.totalTicks);
  });

  it('is stolen ticks over all ticks between two readings, and absent without both or without time', () => {
    expect(hostStealShare({ totalTicks: 1_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 250 })).toBe(0.12);
    expect(hostStealShare({ totalTicks: 1_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 10 })).toBe(0);
    expect(hostStealShare(undefined, { totalTicks: 3_000, stealTicks: 10 })).toBeUndefined();
    expect(hostStealShare({ totalTicks: 3_000, stealTicks: 10 }, { totalTicks: 3_000, stealTicks: 10 })).toBeUndefined();
  });
});
