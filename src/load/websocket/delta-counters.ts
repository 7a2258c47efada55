/**
 * Counters a child process keeps and ships to the parent as increments: each `takeDelta()` returns
 * what changed since the previous one, so the parent's sum of deltas equals the child's totals
 * exactly, and the parent's per-second timeline shows when things happened.
 */
export class DeltaCounters {
  private readonly totals = new Map<string, number>();
  private readonly reported = new Map<string, number>();

  add(name: string, by = 1): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + by);
  }

  total(name: string): number {
    return this.totals.get(name) ?? 0;
  }

  /** Increments since the last call (names that did not change are left out). */
  takeDelta(): Record<string, number> {
    const delta: Record<string, number> = {};
    for (const [name, total] of this.totals) {
      const change = total - (this.reported.get(name) ?? 0);
      if (change !== 0) {
        delta[name] = change;
        this.reported.set(name, total);
      }
    }
    return delta;
  }
}
