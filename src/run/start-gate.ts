import { InputError } from '../errors.js';
import { nowUs, sleepMs, wallClockUs } from '../metrics/clock.js';

/** A shard that reaches `--start-at` later than this is invalid: its schedule no longer lines up with the others'. */
export const MAX_START_LATENESS_US = 20_000;
/** The wait sleeps on a timer until this close to the instant, then yields turn by turn. */
const SPIN_BEFORE_US = 3_000;
/** Without --start-at, the schedule starts this long after the load is ready (as an unsharded run always has). */
const READY_LEAD_US = 1_000;

/**
 * `--start-at <ISO-8601 | unix ms>` -> Unix ms. An ISO time needs a zone (Z or +hh:mm): a bare
 * local time would mean different instants on hosts in different zones.
 */
export function parseStartAt(text: string, source = '--start-at'): number {
  const trimmed = text.trim();
  if (/^\d{10,16}$/.test(trimmed)) return Number(trimmed);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InputError(`${source}: expected an ISO-8601 time with a zone (2026-11-28T17:00:00Z) or Unix milliseconds, got "${text}"`);
}

/**
 * The instant a run's schedule starts. Phases call `open()` once their targets and connection
 * pools are up; with --start-at it waits for that wall-clock instant and anchors the schedule on it,
 * so shards on several hosts (NTP keeps them within a few ms) start together. It records where the
 * start really fell (startedAt, skew). Only the first phase waits; later phases start when ready.
 */
export class StartGate {
  private opened: { startedAtMs: number; skewUs: number } | undefined;
  private lateReason: string | undefined;

  /** `onWait(waitMs)` is told how long the first phase is about to wait for --start-at (for a progress line). */
  constructor(
    readonly startAtMs?: number,
    private readonly onWait?: (waitMs: number) => void,
  ) {}

  /** Waits for the common start; returns the monotonic µs the schedule starts at. */
  async open(signal?: AbortSignal): Promise<number> {
    if (this.opened || this.startAtMs === undefined) {
      const startUs = nowUs() + READY_LEAD_US;
      this.opened ??= { startedAtMs: (wallClockUs() + READY_LEAD_US) / 1000, skewUs: 0 };
      return startUs;
    }
    const targetWallUs = this.startAtMs * 1000;
    const targetUs = nowUs() + (targetWallUs - wallClockUs());
    this.onWait?.((targetUs - nowUs()) / 1000);
    const sleepUs = targetUs - SPIN_BEFORE_US - nowUs();
    if (sleepUs > 0) await sleepMs(sleepUs / 1000, signal);
    while (nowUs() < targetUs && !signal?.aborted) await new Promise<void>((resolve) => setImmediate(resolve));
    const skewUs = wallClockUs() - targetWallUs;
    this.opened = { startedAtMs: (targetWallUs + skewUs) / 1000, skewUs };
    if (skewUs > MAX_START_LATENESS_US) {
      this.lateReason = `this shard reached --start-at ${formatMs(skewUs)} late (limit ${formatMs(MAX_START_LATENESS_US)}): it started then, out of step with the other shards`;
      return nowUs();
    }
    return targetUs;
  }

  /** When the schedule started (ISO), and how far after the asked instant (µs); undefined before open(). */
  get start(): { startedAt: string; startSkewUs: number } | undefined {
    return this.opened ? { startedAt: new Date(Math.round(this.opened.startedAtMs)).toISOString(), startSkewUs: Math.round(this.opened.skewUs) } : undefined;
  }

  /** Why the run is invalid on account of its start, if it is. */
  get reason(): string | undefined {
    return this.lateReason;
  }
}

function formatMs(us: number): string {
  return `${(us / 1000).toFixed(1)} ms`;
}
