import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../../src/process/turn-budget.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnBudget', () => {
  it('grants perTurn units a turn across every caller, then continues the work in the next turn with a full budget', async () => {
    const turns: number[] = [];
    let granted = 0;
    const work = (): void => {
      let now = 0;
      while (granted < 10 && budget.take()) {
        granted++;
        now++;
      }
      turns.push(now);
    };
    const budget = new TurnBudget(4, work);
    work(); // a caller spends 4 ...
    expect(budget.take()).toBe(false); // ... and another caller in the same turn gets nothing
    await nextTurn();
    expect(turns).toEqual([4, 4]);
    await nextTurn();
    expect(turns).toEqual([4, 4, 2]);
    // The turn after the last spending continues once more, finds nothing to do, and stops.
    await nextTurn();
    await nextTurn();
    expect(turns).toEqual([4, 4, 2, 0]);
    expect(granted).toBe(10);
  });

  it('refills only in a turn after spending, and then once', async () => {
    let continued = 0;
    const budget = new TurnBudget(2, () => continued++);
    await nextTurn();
    expect(continued).toBe(0);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    await nextTurn();
    expect(continued).toBe(1);
    await nextTurn();
    expect(continued).toBe(1);
  });
});
