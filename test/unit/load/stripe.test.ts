import { describe, expect, it } from 'vitest';
import { burstSchedule, constantSchedule, rampSchedule, type Schedule } from '../../../src/load/schedule.js';
import { arrivalsInStripe, globalIndex, shareOf, stripeSchedule } from '../../../src/load/stripe.js';

/** Every arrival of a schedule as [global index, offset µs]. */
function arrivals(schedule: Schedule, toGlobal: (local: number) => number = (local) => local): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let local = 0; ; local++) {
    const offset = schedule.offsetUs(local);
    if (offset === undefined) return out;
    out.push([toGlobal(local), offset]);
  }
}

const patterns: Array<[string, Schedule]> = [
  ['constant', constantSchedule(997, 3_000_000)],
  ['ramp', rampSchedule(10, 1_500, 2_000_000)],
  ['burst', burstSchedule(400, 10, 1_000_000, 200_000, 3_500_000)],
];

describe('stripeSchedule', () => {
  for (const [name, schedule] of patterns) {
    for (const count of [1, 2, 3, 4, 7]) {
      it(`${name}: ${count} stripes fire exactly the arrivals of one run, each at its global offset`, () => {
        const whole = arrivals(schedule);
        const union: Array<[number, number]> = [];
        let expected = 0;
        for (let index = 0; index < count; index++) {
          const stripe = { index, count };
          const part = stripeSchedule(schedule, stripe);
          const fired = arrivals(part, (local) => globalIndex(local, stripe));
          expect(fired.every(([k]) => k % count === index)).toBe(true);
          expect(part.expectedCount).toBe(fired.length);
          expected += part.expectedCount;
          union.push(...fired);
        }
        union.sort((a, b) => a[0] - b[0]);
        expect(union).toEqual(whole);
        expect(expected).toBe(schedule.expectedCount);
      });
    }
  }
});

describe('shareOf and arrivalsInStripe', () => {
  it('splits countable units into contiguous shares that sum exactly', () => {
    for (const total of [0, 1, 5, 64, 1001]) {
      for (const count of [1, 2, 3, 4, 16]) {
        const shares = Array.from({ length: count }, (_unused, index) => shareOf(total, { index, count }));
        expect(shares.reduce((sum, share) => sum + share.count, 0)).toBe(total);
        shares.forEach((share, index) => expect(share.first).toBe(index === 0 ? 0 : shares[index - 1]!.first + shares[index - 1]!.count));
        expect(Math.max(...shares.map((share) => share.count)) - Math.min(...shares.map((share) => share.count))).toBeLessThanOrEqual(1);
        const striped = Array.from({ length: count }, (_unused, index) => arrivalsInStripe(total, { index, count }));
        expect(striped.reduce((sum, part) => sum + part, 0)).toBe(total);
      }
    }
  });
});
