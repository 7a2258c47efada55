import { nowUs } from '../metrics/clock.js';
import type { MetricHandle } from '../metrics/recorder.js';
import type { Schedule } from './schedule.js';

/** A send that starts more than this after its intended time counts as late (the generator fell behind). */
export const LATE_SEND_US = 1_000;
/** Most sends started in one turn of the event loop, so responses are read between batches. */
const MAX_BATCH = 512;
/** Closer than this to the next send, the pacer yields with setImmediate instead of a ~1 ms timer. */
const SPIN_WINDOW_US = Number(process.env.PUSHBENCH_SPIN_US ?? 1_500);

export interface PacerOutcome {
  dispatched: number;
  lateSends: number;
  /** When the last send was dispatched (monotonic µs); later than the schedule's end if the pacer fell behind. */
  lastDispatchUs: number;
}

/**
 * Calls `dispatch(index, intendedUs)` for every request of an open-model schedule at its intended
 * time, whatever the target does. Timers sleep while the next send is far; near it the pacer yields
 * with setImmediate, so sends start within microseconds when the process keeps up. How late each
 * send started goes to `sendLag`. Ends when the schedule does or `signal` aborts.
 */
export function runPacer(
  schedule: Schedule,
  startUs: number,
  dispatch: (index: number, intendedUs: number) => void,
  signal?: AbortSignal,
  sendLag?: MetricHandle,
): Promise<PacerOutcome> {
  return new Promise((resolve) => {
    let index = 0;
    let lateSends = 0;
    let nextOffset = schedule.offsetUs(0);
    let lastDispatchUs = startUs;

    const step = (): void => {
      if (signal?.aborted || nextOffset === undefined) {
        resolve({ dispatched: index, lateSends, lastDispatchUs });
        return;
      }
      let now = nowUs();
      let batch = 0;
      while (nextOffset !== undefined && startUs + nextOffset <= now && batch < MAX_BATCH) {
        const intendedUs = startUs + nextOffset;
        const lagUs = now - intendedUs;
        if (lagUs > LATE_SEND_US) lateSends++;
        sendLag?.record(lagUs);
        dispatch(index, intendedUs);
        index++;
        batch++;
        nextOffset = schedule.offsetUs(index);
        if ((batch & 31) === 0) now = nowUs();
      }
      if (batch > 0) lastDispatchUs = now;
      if (nextOffset === undefined) {
        resolve({ dispatched: index, lateSends, lastDispatchUs });
        return;
      }
      const waitUs = startUs + nextOffset - nowUs();
      if (waitUs > SPIN_WINDOW_US) setTimeout(step, Math.floor((waitUs - 1_000) / 1_000));
      else setImmediate(step);
    };
    step();
  });
}
