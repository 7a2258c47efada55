import { nowUs } from '../metrics/clock.js';
import type { MetricHandle } from '../metrics/recorder.js';
import { PaceTracker, type PaceFigures } from './pace-figures.js';
import type { Schedule } from './schedule.js';

/** Most sends started in one turn of the event loop, so responses are read between batches. */
const MAX_BATCH = 512;
/**
 * A poke sends only once the earliest due arrival is this overdue: sending each arrival the moment
 * it falls due would wake the target once per request (costly on loopback), while waiting for the
 * timer alone lets a busy loop's timer overshoot add up to 2 ms of send lag.
 */
const POKE_OVERDUE_US = 500;

export interface PacerOutcome {
  dispatched: number;
  /** Its send lags and achieved share per window: what validity judges this pacer by. */
  pace: PaceFigures;
  /** When the last send was dispatched (monotonic µs); later than the schedule's end if the pacer fell behind. */
  lastDispatchUs: number;
}

/**
 * Lets I/O callbacks (a response read) send the arrivals that fell due while the event loop was
 * awake anyway, instead of leaving them for the next timer: fewer wake-ups, smaller batches, less
 * send lag. `poke()` never sends anything before its intended time.
 */
export class PacerPoke {
  poke: () => void = noop;
}

function noop(): void {}

/**
 * Calls `dispatch(index, intendedUs)` for every arrival of an open-model schedule at its intended
 * time, whatever the target does. It never spins: it sends every arrival that is due, in one batch,
 * then sleeps on a timer until the next one is due (as wrk2 and k6 do); `poke` (optional) sends due
 * arrivals between timers. Latency counts from the intended time, so a batch sent up to a timer
 * tick late hides nothing; how late each send started goes to `sendLag` and to the outcome's
 * `pace` figures (validity judges them; see src/run/validity.ts). A batch cut at MAX_BATCH (the
 * pacer is behind) continues on the next turn. Ends when the schedule does or `signal` aborts.
 */
export function runPacer(
  schedule: Schedule,
  startUs: number,
  dispatch: (index: number, intendedUs: number) => void,
  signal?: AbortSignal,
  sendLag?: MetricHandle,
  poke?: PacerPoke,
): Promise<PacerOutcome> {
  const tracker = new PaceTracker(startUs);
  return new Promise((resolve) => {
    let index = 0;
    let nextOffset = schedule.offsetUs(0);
    let lastDispatchUs = startUs;
    let timer: NodeJS.Timeout | undefined;
    let immediate = false;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (poke) poke.poke = noop;
      resolve({ dispatched: index, pace: tracker.figures(), lastDispatchUs });
    };

    /** Sends every arrival due now (at most MAX_BATCH); false when the schedule is done. */
    const sendDue = (): boolean => {
      let now = nowUs();
      let batch = 0;
      while (nextOffset !== undefined && startUs + nextOffset <= now && batch < MAX_BATCH && !signal?.aborted) {
        const intendedUs = startUs + nextOffset;
        sendLag?.record(now - intendedUs);
        tracker.add(intendedUs, now);
        dispatch(index, intendedUs);
        index++;
        batch++;
        nextOffset = schedule.offsetUs(index);
        if ((batch & 31) === 0) now = nowUs();
      }
      if (batch > 0) lastDispatchUs = now;
      if (signal?.aborted || nextOffset === undefined) {
        finish();
        return false;
      }
      if (batch === MAX_BATCH) scheduleImmediate(); // behind: keep going after reading responses
      return true;
    };

    const scheduleImmediate = (): void => {
      if (immediate) return;
      immediate = true;
      setImmediate(onImmediate);
    };

    /**
     * Keeps one timer armed for the next due arrival. Arrivals only move forward, so a timer still
     * armed (a poke sent what it was for) wakes no later than needed: it re-arms when it fires.
     */
    const arm = (): void => {
      if (immediate || timer !== undefined || nextOffset === undefined) return;
      const waitUs = startUs + nextOffset - nowUs();
      if (waitUs <= 0) return scheduleImmediate(); // due already (the batch took that long)
      timer = setTimeout(onTimer, Math.ceil(waitUs / 1_000));
    };

    function onTimer(): void {
      timer = undefined;
      if (sendDue()) arm();
    }

    function onImmediate(): void {
      immediate = false;
      if (sendDue()) arm();
    }

    if (poke) {
      poke.poke = () => {
        if (finished || immediate || nextOffset === undefined || startUs + nextOffset > nowUs() - POKE_OVERDUE_US) return;
        if (sendDue()) arm();
      };
    }
    if (sendDue()) arm();
  });
}
