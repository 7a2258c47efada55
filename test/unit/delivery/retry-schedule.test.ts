import { describe, expect, it } from 'vitest';
import { judgeAttempt, retryDelayUs, STANDARD_WEBHOOKS_SCHEDULE_SEC, type AttemptOutcome } from '../../../src/delivery/retry-schedule.js';

const middle = (): number => 0.5;
const lowest = (): number => 0;
const highest = (): number => 0.999999;
const policy = { maxAttempts: 8, compress: 1000 };
const status = (code: number, retryAfterSec?: number): AttemptOutcome => ({ kind: 'response', status: code, retryAfterSec });

describe('retry schedule (Standard Webhooks, compressible, +-20% jitter)', () => {
  it('follows the schedule divided by compress, with no jitter at the middle of the random range', () => {
    expect(STANDARD_WEBHOOKS_SCHEDULE_SEC).toEqual([0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400]);
    expect([1, 2, 3, 4, 9].map((made) => retryDelayUs(made, 1000, middle))).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 86_400_000]);
    expect(retryDelayUs(1, 1, middle)).toBe(5_000_000);
  });

  it('keeps jitter within +-20%', () => {
    expect(retryDelayUs(2, 1000, lowest)).toBe(240_000);
    expect(retryDelayUs(2, 1000, highest)).toBe(360_000);
    let state = 7;
    const random = (): number => ((state = (state * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 1000; i++) {
      const delay = retryDelayUs(3, 1000, random);
      expect(delay).toBeGreaterThanOrEqual(1_440_000);
      expect(delay).toBeLessThanOrEqual(2_160_000);
    }
  });

  it('only 2xx delivers; 3xx, 4xx, 5xx and socket failures are retried on the schedule', () => {
    expect(judgeAttempt(status(200), 1, policy, middle)).toEqual({ kind: 'delivered' });
    expect(judgeAttempt(status(204), 3, policy, middle)).toEqual({ kind: 'delivered' });
    for (const code of [301, 400, 401, 500, 503]) expect(judgeAttempt(status(code), 1, policy, middle)).toEqual({ kind: 'retry', delayUs: 5_000 });
    expect(judgeAttempt({ kind: 'failure', errorClass: 'refused' }, 2, policy, middle)).toEqual({ kind: 'retry', delayUs: 300_000 });
    expect(judgeAttempt({ kind: 'failure', errorClass: 'timeout' }, 3, policy, middle)).toEqual({ kind: 'retry', delayUs: 1_800_000 });
  });

  it('honours Retry-After on 429, 502 and 504 (uncompressed), but never waits less than the schedule', () => {
    expect(judgeAttempt(status(429, 1), 1, policy, middle)).toEqual({ kind: 'retry', delayUs: 1_000_000 });
    expect(judgeAttempt(status(502, 2), 1, policy, middle)).toEqual({ kind: 'retry', delayUs: 2_000_000 });
    expect(judgeAttempt(status(504, 1), 4, policy, middle)).toEqual({ kind: 'retry', delayUs: 7_200_000 });
    expect(judgeAttempt(status(429), 1, policy, middle)).toEqual({ kind: 'retry', delayUs: 5_000 });
    expect(judgeAttempt(status(503, 60), 1, policy, middle)).toEqual({ kind: 'retry', delayUs: 5_000 });
  });

  it('410 disables the endpoint at once; other failures give up after maxAttempts', () => {
    expect(judgeAttempt(status(410), 1, policy, middle)).toEqual({ kind: 'disable-endpoint' });
    expect(judgeAttempt(status(500), 7, policy, middle)).toEqual({ kind: 'retry', delayUs: 50_400_000 });
    expect(judgeAttempt(status(500), 8, policy, middle)).toEqual({ kind: 'give-up' });
    expect(judgeAttempt(status(429, 1), 8, policy, middle)).toEqual({ kind: 'give-up' });
    expect(judgeAttempt({ kind: 'failure', errorClass: 'reset' }, 1, { maxAttempts: 1, compress: 1 }, middle)).toEqual({ kind: 'give-up' });
  });
});
