import { describe, expect, it } from 'vitest';
import { EventFactory, readEventStamp } from '../../../src/load/webhook/event-factory.js';

describe('EventFactory', () => {
  it('builds bodies of exactly the asked size that are valid JSON carrying id, seq and scheduled time', () => {
    for (const sizeBytes of [128, 512, 4096]) {
      const factory = new EventFactory(7, sizeBytes);
      for (const seq of [0, 9, 123_456_789]) {
        const event = factory.build(seq, 987_654_321_000);
        expect(Buffer.byteLength(event.body)).toBe(sizeBytes);
        const parsed = JSON.parse(event.body) as { id: string; seq: number; scheduledAtUs: number };
        expect(parsed).toMatchObject({ id: event.id, seq, scheduledAtUs: 987_654_321_000 });
        expect(readEventStamp(event.body)).toEqual({ id: event.id, seq, scheduledAtUs: 987_654_321_000 });
      }
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const a = new EventFactory(42, 512).build(5, 1_000);
    expect(new EventFactory(42, 512).build(5, 1_000)).toEqual(a);
    const b = new EventFactory(43, 512).build(5, 1_000);
    expect(b.id).not.toBe(a.id);
    expect(b.body).not.toBe(a.body);
  });
});
