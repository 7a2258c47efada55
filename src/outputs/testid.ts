import { randomBytes } from 'node:crypto';

/**
 * The `testid` label: one per run, shared by every shard of it. Given (`--testid`), else derived
 * from the common start every shard is given (`--start-at`), else fresh for this run.
 */
export function resolveTestId(given: string | undefined, startAtMs: number | undefined, now = new Date()): string {
  if (given !== undefined) return given;
  if (startAtMs !== undefined) return new Date(startAtMs).toISOString();
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** A --testid value must be a sensible label value: 1-128 printable characters. */
export function testIdProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > 128) return 'expected 1 to 128 characters';
  if (/[\x00-\x1f\x7f]/.test(value)) return 'control characters are not allowed';
  return undefined;
}
