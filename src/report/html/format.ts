/** Number formats for report tables (charts format in the page). */

/** 850 µs, 12.3 ms, 4.20 s. */
export function formatLatencyUs(us: number): string {
  if (us < 1_000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** 1,234,567 */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 12.34 MB (decimal units, as network tools print them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

/** A fraction 0..1 as a percentage: 0.1234 -> 12.34%. */
export function formatFraction(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A signed percentage change: +12.3%, -4.0%. */
export function formatChangePct(changePct: number): string {
  const sign = changePct > 0 ? '+' : changePct < 0 ? '−' : '±';
  return `${sign}${Math.abs(changePct).toFixed(1)}%`;
}
