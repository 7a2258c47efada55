import { describe, expect, it } from 'vitest';
import type { PaceFigures } from '../../../src/load/pace-figures.js';
import type { ProcessHealth } from '../../../src/metrics/process-monitor.js';
import { combineValidity } from '../../../src/result/merge-parts.js';
import type { PhaseOutcome } from '../../../src/run/phase.js';
import { judgeValidity } from '../../../src/run/validity.js';

/** A quiet generator as issue 22 measured it: 10% busy, loop p99 1 ms, sendLag 0.8 / 1.3 / 1.8 ms. */
const quietHealth: ProcessHealth = {
  eventLoopDelayP50Us: 200,
  eventLoopDelayP90Us: 600,
  eventLoopDelayP99Us: 1_000,
  eventLoopDelayMaxUs: 3_000,
  eventLoopUtilization: 0.1,
  cpuUserMs: 900,
  cpuSystemMs: 100,
  cpuShare: 0.1,
  runQueueWaitShare: 0.03,
  runQueueWaitMeanUs: 40,
  wallUs: 10_000_000,
  maxRssBytes: 90e6,
};
const quietPace: PaceFigures = { dispatched: 5_000, sendLagP50Us: 800, sendLagP90Us: 1_300, sendLagP99Us: 1_800, sendLagMaxUs: 4_000, worstWindowRateShare: 0.999, worstWindowSecond: 3 };

function webhookPhase(pace: PaceFigures, extra: Partial<PhaseOutcome> = {}): PhaseOutcome {
  return { model: 'open', dispatched: pace.dispatched, generators: [{ role: 'generator', pid: process.pid, pace }], processes: [], warnings: [], reasons: [], askedRatePerSec: 500, achievedRatePerSec: 500, ...extra };
}

const me = `generator (pid ${process.pid})`;

describe('validity from the run\'s own figures', () => {
  it('a quiet generator is valid, keeps its figures, and names the one nearest its bound', () => {
    const validity = judgeValidity([webhookPhase(quietPace)], quietHealth, false);
    expect(validity.ok).toBe(true);
    expect(validity.reasons).toEqual([]);
    expect(validity.warnings).toEqual([]);
    expect(validity.generators).toEqual([
      {
        role: 'generator',
        pid: process.pid,
        cpuShare: 0.1,
        runQueueWaitShare: 0.03,
        runQueueWaitMeanUs: 40,
        eventLoopUtilization: 0.1,
        eventLoopDelayP50Us: 200,
        eventLoopDelayP90Us: 600,
        eventLoopDelayP99Us: 1_000,
        eventLoopDelayMaxUs: 3_000,
        dispatched: 5_000,
        sendLagP50Us: 800,
        sendLagP90Us: 1_300,
        sendLagP99Us: 1_800,
        sendLagMaxUs: 4_000,
        worstWindowRateShare: 0.999,
        worstWindowSecond: 3,
      },
    ]);
    // 1.8 ms of 5 ms is nearer than 600 µs of 20 ms, 40 µs of 1 ms and 1 ms of 100 ms.
    expect(validity.nearestBound).toEqual({ process: me, figure: 'sendLag p99', value: 1_800, bound: 10_000, unit: 'us', ratio: 0.18 });
  });

  it('a generator whose sends start over 10 ms late (p99) is invalid, the reason naming process, figure and bound', () => {
    const validity = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 12_000 })], quietHealth, false);
    expect(validity.ok).toBe(false);
    expect(validity.reasons).toEqual([`${me}: sendLag p99 12.0 ms (bound 10.0 ms): its sends started late, and that delay is in the latency`]);
    expect(validity.nearestBound).toMatchObject({ figure: 'sendLag p99', value: 12_000, ratio: 1.2 });
  });

  it('a sendLag p99 of fewer than 500 sends (one stall) warns and does not void', () => {
    const few = judgeValidity([webhookPhase({ ...quietPace, dispatched: 150, sendLagP99Us: 10_100 })], quietHealth, false);
    expect(few.ok).toBe(true);
    expect(few.warnings).toEqual([
      `${me}: sendLag p99 10.1 ms (warning above 5.00 ms; invalid above 10.0 ms once it sent 500 or more (it sent fewer: its p99 is one stall)): its sends started late, and that delay is in the latency`,
    ]);
    expect(judgeValidity([webhookPhase({ ...quietPace, dispatched: 500, sendLagP99Us: 10_100 })], quietHealth, false).ok).toBe(false);
  });

  it('between healthy and invalid a run is valid with a warning that says both bounds', () => {
    const validity = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 7_000 })], quietHealth, false);
    expect(validity.ok).toBe(true);
    expect(validity.warnings).toEqual([
      `${me}: sendLag p99 7.00 ms (warning above 5.00 ms, invalid above 10.0 ms): its sends started late, and that delay is in the latency`,
    ]);
  });

  it('each bound alone voids the run: worst-second rate, sustained loop delay, run-queue wait', () => {
    const cases: Array<[PaceFigures, ProcessHealth, string]> = [
      [{ ...quietPace, worstWindowRateShare: 0.85, worstWindowSecond: 7 }, quietHealth, `${me}: achieved share of the schedule in its worst second 85.0% (bound 90.0%): it fell behind its schedule`],
      [quietPace, { ...quietHealth, eventLoopDelayP90Us: 25_000 }, `${me}: event-loop delay p90 25.0 ms (bound 20.0 ms): its event loop was late for a sustained part of the run`],
      [quietPace, { ...quietHealth, eventLoopDelayP99Us: 150_000 }, `${me}: event-loop delay p99 150.0 ms (bound 100.0 ms): its event loop stalled`],
      [quietPace, { ...quietHealth, runQueueWaitMeanUs: 2_500 }, `${me}: mean run-queue wait per wake-up 2.50 ms (bound 1.00 ms): each time it woke up it waited for a CPU another process held: it was starved`],
    ];
    for (const [pace, health, reason] of cases) {
      const validity = judgeValidity([webhookPhase(pace)], health, false);
      expect(validity.ok).toBe(false);
      expect(validity.reasons).toEqual([reason]);
    }
  });

  it('judges a pacer\'s run-queue wait share only once the starvation shows in its sends', () => {
    const waiting = { ...quietHealth, runQueueWaitShare: 0.69, runQueueWaitMeanUs: 100 };
    // Three 100/s shards on 2 cores wait most of their brief runnable time, yet send on time: no
    // warning (the share is scale-free), result.json keeps the figure, and it is not the nearest bound.
    const onTime = judgeValidity([webhookPhase(quietPace)], waiting, false);
    expect(onTime.ok).toBe(true);
    expect(onTime.warnings).toEqual([]);
    expect(onTime.generators?.[0]?.runQueueWaitShare).toBe(0.69);
    expect(onTime.nearestBound).toMatchObject({ figure: 'sendLag p99' });
    // The default bench's long-polling publisher: 32% of its runnable time, 60 µs per wake-up, on time.
    const busyBox = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 2_500 })], { ...quietHealth, runQueueWaitShare: 0.32, runQueueWaitMeanUs: 60 }, false);
    expect(busyBox.warnings).toEqual([]);
    // A Job shard's 100 sends, one of them 9.1 ms late: that p99 is one stall, not starvation showing.
    const fewSends = judgeValidity([webhookPhase({ ...quietPace, dispatched: 100, sendLagP99Us: 9_110 })], { ...quietHealth, runQueueWaitShare: 0.615 }, false);
    expect(fewSends.ok).toBe(true);
    expect(fewSends.warnings).toEqual([expect.stringMatching(/: sendLag p99 9\.11 ms \(warning above 5\.00 ms, invalid above 10\.0 ms\)/)]);
    // Sends late past the warning: the share is judged, and in its warning band it names the cause.
    const late = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 6_000 })], { ...quietHealth, runQueueWaitShare: 0.45 }, false);
    expect(late.ok).toBe(true);
    expect(late.warnings).toEqual([
      `${me}: sendLag p99 6.00 ms (warning above 5.00 ms, invalid above 10.0 ms): its sends started late, and that delay is in the latency`,
      `${me}: run-queue wait share 45.0% (warning above 30.0%, invalid above 60.0%): of the time it was ready to run, it spent that share waiting for a CPU another process held: it was starved`,
    ]);
    // Beside two busy loops on its core: the same share, and its sends 6.9 ms late at p99.
    const starved = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 6_900 })], waiting, false);
    expect(starved.ok).toBe(false);
    expect(starved.reasons).toEqual([`${me}: run-queue wait share 69.0% (bound 60.0%): of the time it was ready to run, it spent that share waiting for a CPU another process held: it was starved`]);
    expect(starved.warnings).toEqual([`${me}: sendLag p99 6.90 ms (warning above 5.00 ms, invalid above 10.0 ms): its sends started late, and that delay is in the latency`]);
    expect(starved.nearestBound).toMatchObject({ figure: 'run-queue wait share', value: 0.69, ratio: 1.15 });
  });

  it('names the host, and only warns, when the hypervisor paused the machine; a starved process stays invalid', () => {
    const stall = { ...quietPace, sendLagP99Us: 19_200, sendLagMaxUs: 70_000 };
    const paused = judgeValidity([webhookPhase(stall)], { ...quietHealth, eventLoopDelayP99Us: 120_000, hostStealShare: 0.12 }, false);
    expect(paused.ok).toBe(true);
    expect(paused.warnings).toEqual([
      `${me}: sendLag p99 19.2 ms (warning above 5.00 ms; invalid above 10.0 ms unless the host stole over 1.00% of the CPUs' time; it stole 12.0%): its sends started late, and that delay is in the latency, while the hypervisor paused this machine: the host's delay, not this process's`,
      `${me}: event-loop delay p99 120.0 ms (warning above 50.0 ms; invalid above 100.0 ms unless the host stole over 1.00% of the CPUs' time; it stole 12.0%): its event loop stalled, while the hypervisor paused this machine: the host's delay, not this process's`,
      `${me}: the host stole 12.0% of the CPUs' time in its window (warning above 1.00%): the hypervisor ran other guests on this machine's CPUs, and its pauses are in every timing figure here`,
    ]);
    expect(paused.generators?.[0]?.hostStealShare).toBe(0.12);
    // Steal spares only a figure past its line: one under it is still the nearest, and with every
    // timing figure under its warning the steal explains nothing and is not named (result.json keeps it).
    const stealing = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 3_000 })], { ...quietHealth, hostStealShare: 0.05 }, false);
    expect(stealing.ok).toBe(true);
    expect(stealing.warnings).toEqual([]);
    expect(stealing.generators?.[0]?.hostStealShare).toBe(0.05);
    expect(stealing.nearestBound).toMatchObject({ figure: 'sendLag p99', ratio: 0.3 });
    // A figure in its warning band with the host stealing: both are named.
    const warned = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 6_000 })], { ...quietHealth, hostStealShare: 0.05 }, false);
    expect(warned.warnings).toEqual([
      `${me}: sendLag p99 6.00 ms (warning above 5.00 ms, invalid above 10.0 ms): its sends started late, and that delay is in the latency`,
      `${me}: the host stole 5.00% of the CPUs' time in its window (warning above 1.00%): the hypervisor ran other guests on this machine's CPUs, and its pauses are in every timing figure here`,
    ]);
    // A figure steal does not move (a client shard's run-queue share) in its warning band: the host is not named.
    const shard: PhaseOutcome = { model: 'open', dispatched: 0, generators: [{ role: 'ws-client-0', pid: 4242, health: { ...quietHealth, runQueueWaitShare: 0.35, hostStealShare: 0.05 } }], processes: [], warnings: [], reasons: [] };
    const waiting = judgeValidity([shard], quietHealth, false);
    expect(waiting.warnings).toEqual([expect.stringMatching(/^ws-client-0 \(pid 4242\): run-queue wait share 35\.0% \(warning above 30\.0%/)]);
    expect(paused.nearestBound?.figure).not.toMatch(/sendLag|event-loop delay p99/);
    // A quiet host: the same stall is the process's own.
    const ownStall = judgeValidity([webhookPhase(stall)], { ...quietHealth, hostStealShare: 0.0005 }, false);
    expect(ownStall.reasons).toEqual([`${me}: sendLag p99 19.2 ms (bound 10.0 ms): its sends started late, and that delay is in the latency`]);
    // Steal excuses no starvation: a process waiting on its own run queue is still voided, by both figures.
    const starved = judgeValidity([webhookPhase(stall)], { ...quietHealth, runQueueWaitShare: 0.69, hostStealShare: 0.12 }, false);
    expect(starved.ok).toBe(false);
    expect(starved.reasons).toEqual([expect.stringMatching(/: sendLag p99 19\.2 ms \(bound 10\.0 ms\): /), expect.stringMatching(/: run-queue wait share 69\.0% \(bound 60\.0%\): /)]);
  });

  it('holds a child process to the same bounds with its own health: a pacing publisher is voided by starvation, a client shard warned', () => {
    const phase = (report: PhaseOutcome['generators'][number]): PhaseOutcome => ({ model: 'open', dispatched: 0, generators: [report], processes: [], warnings: [], reasons: [] });
    const starved = { ...quietHealth, runQueueWaitMeanUs: 3_000 };
    const publisher = judgeValidity([phase({ role: 'delivery.websocket.publisher', pid: 4141, health: starved, pace: quietPace })], quietHealth, false);
    expect(publisher.reasons).toEqual([
      'delivery.websocket.publisher (pid 4141): mean run-queue wait per wake-up 3.00 ms (bound 1.00 ms): each time it woke up it waited for a CPU another process held: it was starved',
    ]);
    // A client shard paces no schedule: its wait is not in a send lag, so it warns; a stalled loop still voids it.
    const shard = judgeValidity([phase({ role: 'ws-client-1', pid: 4242, health: starved })], quietHealth, false);
    expect(shard.ok).toBe(true);
    expect(shard.warnings).toEqual([
      'ws-client-1 (pid 4242): mean run-queue wait per wake-up 3.00 ms (warning above 0.25 ms; invalid for a process that paces a schedule): each time it woke up it waited for a CPU another process held: it was starved',
    ]);
    expect(shard.nearestBound).toMatchObject({ process: 'ws-client-1 (pid 4242)', figure: 'event-loop delay p99' });
    expect(shard.generators?.map((entry) => [entry.role, entry.pid, entry.sendLagP99Us])).toEqual([['ws-client-1', 4242, undefined]]);
    const stalled = judgeValidity([phase({ role: 'ws-client-1', pid: 4242, health: { ...quietHealth, eventLoopDelayP99Us: 120_000 } })], quietHealth, false);
    expect(stalled.reasons).toEqual(['ws-client-1 (pid 4242): event-loop delay p99 120.0 ms (bound 100.0 ms): its event loop stalled']);
  });

  it('warns, and only warns, when a generator used most of a core', () => {
    const validity = judgeValidity([webhookPhase(quietPace)], { ...quietHealth, cpuShare: 0.95 }, false);
    expect(validity.ok).toBe(true);
    expect(validity.warnings).toEqual([`${me}: CPU share 95.0% of a core (warning above 90.0%): it may be near its limit`]);
  });

  it('judges the closed model\'s utilisation, and no worst-second rate of an interrupted run', () => {
    const closed: PhaseOutcome = { model: 'closed', dispatched: 10, generators: [{ role: 'generator', pid: process.pid }], processes: [], warnings: [], reasons: [] };
    expect(judgeValidity([closed], { ...quietHealth, eventLoopUtilization: 0.99 }, false).reasons).toEqual([
      `${me}: event-loop utilisation 99.0% (bound 97.0%): it, not the target, may have set the pace of the closed model`,
    ]);
    const cut = judgeValidity([webhookPhase({ ...quietPace, worstWindowRateShare: 0.2 })], quietHealth, true);
    expect(cut.reasons).toEqual(['the run was interrupted before its end: the numbers cover only part of it']);
  });

  it('merging keeps every part\'s generators, named by part, and the nearest bound of all', () => {
    const a = judgeValidity([webhookPhase(quietPace)], quietHealth, false);
    const b = judgeValidity([webhookPhase({ ...quietPace, sendLagP99Us: 4_000 })], quietHealth, false);
    const merged = combineValidity([a, b], ['shard 0', 'shard 1']);
    expect(merged.generators?.map((entry) => [entry.role, entry.sendLagP99Us])).toEqual([
      ['shard 0: generator', 1_800],
      ['shard 1: generator', 4_000],
    ]);
    expect(merged.nearestBound).toMatchObject({ process: `shard 1: ${me}`, figure: 'sendLag p99', value: 4_000, ratio: 0.4 });
    expect(merged.lateSends).toBeUndefined();
  });
});
