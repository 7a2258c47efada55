/** Durations in scenarios and flags: "500ms", "20s", "1m30s", "2h". A bare number is rejected: units are required. */
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|us|s|m|h)/g;
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|us|s|m|h))+$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

const US_PER_UNIT: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** Parses a duration string to integer microseconds, or returns undefined when it is not one. */
export function parseDurationUs(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let totalUs = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    totalUs += Number(match[1]) * (US_PER_UNIT[match[2] ?? 's'] ?? 0);
  }
  return Math.round(totalUs);
}

/** Formats microseconds for people: 850us, 12.3ms, 4.20s, 2m05s. */
export function formatDurationUs(us: number): string {
  if (us < 1_000) return `${Math.round(us)}us`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 2 : 1)}ms`;
  if (us < 60_000_000) return `${(us / 1_000_000).toFixed(2)}s`;
  const totalSec = Math.round(us / 1_000_000);
  return `${Math.floor(totalSec / 60)}m${String(totalSec % 60).padStart(2, '0')}s`;
}
