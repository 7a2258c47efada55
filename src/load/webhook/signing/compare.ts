import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two texts (false when lengths differ). */
export function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'latin1');
  const b = Buffer.from(expected, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
