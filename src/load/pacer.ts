import { nowUs } from '../metrics/clock.js';
import type { MetricHandle } from '../metrics/recorder.js';
import type { Schedule } from './schedule.js';
import { lateSendThresholdUs } from './timer-resolution.js';

/** Most sends started in one turn of the event loop, so responses are read between batches. */
const MAX_BATCH = 512;

export interface PacerOutcome {
  dispatched: number;
  lateSends: number;
  /** A send later than this after its intended time counted as late (this machine's timer resolution). */
  lateThresholdUs: number;
  /** When the last send was dispatched (monotonic µs); later than the schedule's end if the pacer fell behind. */
  lastDispatchUs: number;
}

/**
 * Calls `dispatch(index, intendedUs)` for every arrival of an open-model schedule at its intended
 * time, whatever the target does. It never spins: it sends every arrival that is due, in one batch,
 * then sleeps on a timer until the next one is due (as wrk2 and k6 do). Latency counts from the
 * intended time, so a batch sent up to a timer tick late hides nothing; how late each send started
 * goes to `sendLag`, and a send whose batch woke up later than the measured timer resolution after it
 * was due counts as late (the pacer fell behind). A batch cut
 * at MAX_BATCH (the pacer is behind) continues on the next turn. Ends when the schedule does or
 * `signal` aborts.
 */
export async function runPacer(
  schedule: Schedule,
  startUs: number,
  dispatch: (index: number, intendedUs: number) => void,
  signal?: AbortSignal,
  sendLag?: MetricHandle,
): Promise<PacerOutcome> {
  const lateThresholdUs = await lateSendThresholdUs();
  return new Promise((resolve) => {
    let index = 0;
    let lateSends = 0;
    let nextOffset = schedule.offsetUs(0);
    let lastDispatchUs = startUs;
    const finish = (): void => resolve({ dispatched: index, lateSends, lateThresholdUs, lastDispatchUs });

    const step = (): void => {
      if (signal?.aborted || nextOffset === undefined) return finish();
      let now = nowUs();
      const wokeUs = now;
      let batch = 0;
      while (nextOffset !== undefined && startUs + nextOffset <= now && batch < MAX_BATCH && !signal?.aborted) {
        const intendedUs = startUs + nextOffset;
        // Late means the pacer woke up more than one timer resolution after the send was due (it fell
        // behind); the time the batch itself takes is in sendLag and in the latency, not in "late".
        if (wokeUs - intendedUs > lateThresholdUs) lateSends++;
        sendLag?.record(now - intendedUs);
        dispatch(index, intendedUs);
        index++;
        batch++;
        nextOffset = schedule.offsetUs(index);
        if ((batch & 31) === 0) now = nowUs();
      }
      if (batch > 0) lastDispatchUs = now;
      if (nextOffset === undefined) return finish();
      if (batch === MAX_BATCH) return void setImmediate(step); // behind: keep going after reading responses
      const waitUs = startUs + nextOffset - nowUs();
      if (waitUs <= 0) setImmediate(step); // due already (the batch took that long)
      else setTimeout(step, Math.ceil(waitUs / 1_000));
    };
    step();
  });
}
