import type { HttpOutcome } from '../load/webhook/http-pool.js';

/** The Standard Webhooks retry schedule: the wait before attempt 1, 2, ... 10, in seconds. */
export const STANDARD_WEBHOOKS_SCHEDULE_SEC = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
/** Each wait is spread by up to +-20% (seeded), so retries of one outage do not arrive in lockstep. */
export const RETRY_JITTER_FRACTION = 0.2;
/** Statuses that mean "slow down": the retry waits at least as long as Retry-After asks. */
export const THROTTLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 504]);
/** The endpoint is gone: the sender disables it and gives up everything still pending for it. */
export const GONE_STATUS = 410;

export interface RetryPolicy {
  maxAttempts: number;
  /** Divides the schedule (not Retry-After, which is the receiver's own ask). */
  compress: number;
}

/** How one delivery attempt ended (the shared HTTP pool's outcome). */
export type AttemptOutcome = HttpOutcome;

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayUs: number }
  | { kind: 'give-up' }
  | { kind: 'disable-endpoint' };

/** The wait before the next attempt once `attemptsMade` have failed: the schedule / compress, +-20% jitter. */
export function retryDelayUs(attemptsMade: number, compress: number, random: () => number): number {
  const scheduledSec = STANDARD_WEBHOOKS_SCHEDULE_SEC[attemptsMade] ?? STANDARD_WEBHOOKS_SCHEDULE_SEC[STANDARD_WEBHOOKS_SCHEDULE_SEC.length - 1]!;
  const jitter = 1 + (2 * random() - 1) * RETRY_JITTER_FRACTION;
  return Math.round(((scheduledSec * 1e6) / compress) * jitter);
}

/**
 * Decides what follows an attempt: only 2xx delivers; 410 disables the endpoint; any other status or
 * a socket failure is retried on the schedule until `maxAttempts` attempts have been made; a throttle
 * status (429, 502, 504) waits at least its Retry-After.
 */
export function judgeAttempt(outcome: AttemptOutcome, attemptsMade: number, policy: RetryPolicy, random: () => number): AttemptVerdict {
  if (outcome.kind === 'response') {
    if (outcome.status >= 200 && outcome.status < 300) return { kind: 'delivered' };
    if (outcome.status === GONE_STATUS) return { kind: 'disable-endpoint' };
  }
  if (attemptsMade >= policy.maxAttempts) return { kind: 'give-up' };
  const delayUs = retryDelayUs(attemptsMade, policy.compress, random);
  if (outcome.kind === 'response' && THROTTLE_STATUSES.has(outcome.status) && outcome.retryAfterSec !== undefined) {
    return { kind: 'retry', delayUs: Math.max(delayUs, outcome.retryAfterSec * 1e6) };
  }
  return { kind: 'retry', delayUs };
}
