import { nowUs } from '../metrics/clock.js';

/** An outage window relative to the start of the stream. */
export interface OutageWindow {
  atUs: number;
  forUs: number;
}

/**
 * Calls `down()` at `startUs + atUs` and `up()` at `startUs + atUs + forUs` (monotonic µs, shared by
 * every process of the host, so each process applies the same window itself). Returns a cancel.
 */
export function scheduleOutage(startUs: number, window: OutageWindow | undefined, down: () => void, up: () => void): () => void {
  if (!window) return () => undefined;
  const msUntil = (us: number): number => Math.max(0, (us - nowUs()) / 1000);
  const downTimer = setTimeout(down, msUntil(startUs + window.atUs));
  const upTimer = setTimeout(up, msUntil(startUs + window.atUs + window.forUs));
  return () => {
    clearTimeout(downTimer);
    clearTimeout(upTimer);
  };
}
