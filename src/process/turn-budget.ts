/**
 * Work one turn of the event loop may do; the rest waits for the next turn (a setImmediate), so the
 * timers and I/O callbacks of a schedule run between. Counted per turn, not per call: every I/O
 * callback of a turn spends from the same budget.
 */
export class TurnBudget {
  private left: number;
  private refillArmed = false;

  /** `onNextTurn` runs in the turn after any spending, with the budget full again: it continues the work. */
  constructor(
    private readonly perTurn: number,
    private readonly onNextTurn: () => void,
  ) {
    this.left = perTurn;
  }

  /** Spends one unit; false when this turn's are used up (the work continues in `onNextTurn`). */
  take(): boolean {
    if (!this.refillArmed) {
      this.refillArmed = true;
      setImmediate(this.refill);
    }
    if (this.left === 0) return false;
    this.left--;
    return true;
  }

  private readonly refill = (): void => {
    this.refillArmed = false;
    this.left = this.perTurn;
    this.onNextTurn();
  };
}
