import type { Schedule } from './schedule.js';

/**
 * One shard's part of a plan split over `count` shards (k6's execution segments, striped): arrival
 * k of the global schedule belongs to shard k mod count, and countable things (connections) split
 * into contiguous shares that sum exactly. The whole plan is stripe 0 of 1.
 */
export interface Stripe {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_PLAN: Stripe = { index: 0, count: 1 };

/** The global arrival index of this stripe's `local`-th arrival: unique across shards, so ids built from it are too. */
export function globalIndex(local: number, stripe: Stripe): number {
  return stripe.index + local * stripe.count;
}

/** How many of the global arrivals 0 .. total-1 fall in this stripe. */
export function arrivalsInStripe(total: number, stripe: Stripe): number {
  return total > stripe.index ? Math.floor((total - 1 - stripe.index) / stripe.count) + 1 : 0;
}

/** This stripe's contiguous share of `total` units: the shares of all stripes differ by at most one and sum to `total`. */
export function shareOf(total: number, stripe: Stripe): { first: number; count: number } {
  const base = Math.floor(total / stripe.count);
  const extra = total % stripe.count;
  return { first: stripe.index * base + Math.min(stripe.index, extra), count: base + (stripe.index < extra ? 1 : 0) };
}

/**
 * The global schedule as one shard's pacer runs it: its j-th arrival is global arrival
 * index + j x count, at that arrival's offset. Every pattern stripes the same way, and the shards
 * together fire exactly the arrivals of one unsharded run.
 */
export function stripeSchedule(schedule: Schedule, stripe: Stripe): Schedule {
  if (stripe.count === 1) return schedule;
  return {
    durationUs: schedule.durationUs,
    expectedCount: arrivalsInStripe(schedule.expectedCount, stripe),
    offsetUs: (local) => schedule.offsetUs(globalIndex(local, stripe)),
  };
}
