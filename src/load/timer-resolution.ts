import { nowUs } from '../metrics/clock.js';

const SAMPLES = 40;
/** Node's timers have 1 ms granularity: a pacer that sleeps on them can be this late by design. */
const TIMER_GRANULARITY_US = 1_000;

let measured: Promise<number> | undefined;

/**
 * How late a send may start, on this machine, before it counts as late: the timer granularity plus
 * the 99th percentile of how far a 1 ms timer overshoots here (40 samples, once per process, ~50 ms,
 * while the run starts up; a busy start-up makes it more lenient, and sendLag keeps every lag). A
 * pacer that sleeps on timers is never more punctual than that; later means it fell behind.
 */
export function lateSendThresholdUs(): Promise<number> {
  measured ??= measure();
  return measured;
}

async function measure(): Promise<number> {
  const overshootsUs: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const startUs = nowUs();
    await new Promise((resolve) => setTimeout(resolve, 1));
    overshootsUs.push(Math.max(0, nowUs() - startUs - TIMER_GRANULARITY_US));
  }
  overshootsUs.sort((a, b) => a - b);
  return TIMER_GRANULARITY_US + overshootsUs[Math.floor(SAMPLES * 0.99)]!;
}
