import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runQueueWaitShare, schedTimesNs, startProcessMonitor } from '../../../src/metrics/process-monitor.js';

describe('process monitor', () => {
  it('run-queue wait share is wait / (wait + run) between two schedstat readings', () => {
    expect(runQueueWaitShare({ runNs: 1_000, waitNs: 0 }, { runNs: 4_000, waitNs: 1_000 })).toBe(0.25);
    expect(runQueueWaitShare({ runNs: 0, waitNs: 0 }, { runNs: 1_000, waitNs: 3_000 })).toBe(0.75);
    expect(runQueueWaitShare({ runNs: 5, waitNs: 5 }, { runNs: 5, waitNs: 5 })).toBeUndefined();
    expect(runQueueWaitShare(undefined, { runNs: 5, waitNs: 5 })).toBeUndefined();
  });

  it.runIf(existsSync('/proc/thread-self/schedstat'))('reads this thread\'s schedstat on Linux, and both counters only grow', () => {
    const first = schedTimesNs()!;
    let spin = 0;
    for (let index = 0; index < 2e6; index++) spin += index;
    const second = schedTimesNs()!;
    expect(spin).toBeGreaterThan(0);
    expect(second.runNs).toBeGreaterThan(first.runNs);
    expect(second.waitNs).toBeGreaterThanOrEqual(first.waitNs);
  });

  it('reports CPU share against wall time and the loop delay percentiles in order', async () => {
    const monitor = startProcessMonitor();
    const busyUntil = Date.now() + 150;
    while (Date.now() < busyUntil) {
      // busy: the CPU share of this span is well above zero
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = monitor.stop();
    expect(health.wallUs).toBeGreaterThanOrEqual(240_000);
    expect(health.cpuShare).toBeGreaterThan(0.2);
    expect(health.eventLoopDelayP50Us).toBeLessThanOrEqual(health.eventLoopDelayP90Us);
    expect(health.eventLoopDelayP90Us).toBeLessThanOrEqual(health.eventLoopDelayP99Us);
    expect(health.eventLoopDelayP99Us).toBeLessThanOrEqual(health.eventLoopDelayMaxUs);
    if (existsSync('/proc/thread-self/schedstat')) expect(health.runQueueWaitShare).toBeGreaterThanOrEqual(0);
  });
});
