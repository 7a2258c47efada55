import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../../src/delivery/due-queue.js';

describe('DueQueue', () => {
  it('pops only due pairs, earliest first', () => {
    const queue = new DueQueue();
    const due = [50, 10, 40, 10, 30, 70, 20, 60];
    due.forEach((dueUs, pair) => queue.push(dueUs, pair));
    expect(queue.popDue(5)).toBe(-1);
    const popped: number[] = [];
    for (let pair = queue.popDue(45); pair >= 0; pair = queue.popDue(45)) popped.push(due[pair]!);
    expect(popped).toEqual([10, 10, 20, 30, 40]);
    expect(queue.size).toBe(3);
    for (let pair = queue.popDue(100); pair >= 0; pair = queue.popDue(100)) popped.push(due[pair]!);
    expect(popped).toEqual([10, 10, 20, 30, 40, 50, 60, 70]);
    expect(queue.size).toBe(0);
  });
});
