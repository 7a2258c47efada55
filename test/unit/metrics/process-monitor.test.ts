import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runQueueWait, schedTimesNs, startProcessMonitor } from '../../../src/metrics/process-monitor.js';

describe('process monitor', () => {
  it('run-queue wait between two schedstat readings: wait / (wait + run), and the mean wait per timeslice', () => {
    expect(runQueueWait({ runNs: 1_000_000, waitNs: 0, slices: 10 }, { runNs: 4_000_000, waitNs: 1_000_000, slices: 14 })).toEqual({ runQueueWaitShare: 0.25, runQueueWaitMeanUs: 250 });
    expect(runQueueWait({ runNs: 0, waitNs: 0, slices: 0 }, { runNs: 1_000_000, waitNs: 3_000_000, slices: 2 })).toEqual({ runQueueWaitShare: 0.75, runQueueWaitMeanUs: 1_500 });
    expect(runQueueWait({ runNs: 5, waitNs: 5, slices: 1 }, { runNs: 5, waitNs: 5, slices: 1 })).toEqual({});
    expect(runQueueWait(undefined, { runNs: 5, waitNs: 5, slices: 1 })).toEqual({});
  });

  it.runIf(existsSync('/proc/thread-self/schedstat'))('reads this thread\'s schedstat on Linux, and both counters only grow', () => {
    const first = schedTimesNs()!;
    // 20 ms of CPU: the kernel adds to a running thread's run time at its scheduler ticks (1-10 ms).
    let spin = 0;
    const startedMs = performance.now();
    while (performance.now() - startedMs < 20) spin += 1;
    const second = schedTimesNs()!;
    expect(spin).toBeGreaterThan(0);
    expect(second.runNs).toBeGreaterThan(first.runNs);
    expect(second.waitNs).toBeGreaterThanOrEqual(first.waitNs);
    expect(second.slices).toBeGreaterThanOrEqual(first.slices);
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
    if (existsSync('/proc/thread-self/schedstat')) {
      expect(health.runQueueWaitShare).toBeGreaterThanOrEqual(0);
      expect(health.runQueueWaitMeanUs).toBeGreaterThanOrEqual(0);
    }
    if (existsSync('/proc/stat')) {
      expect(health.hostStealShare).toBeGreaterThanOrEqual(0);
      expect(health.hostStealShare).toBeLessThanOrEqual(1);
    }
  });
});
