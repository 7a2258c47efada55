/**
 * A binary min-heap of (due time µs, pair) for retries waiting their turn: thousands of pending
 * retries cost one timer and two arrays instead of one timer each.
 */
export class DueQueue {
  private dueUs: number[] = [];
  private pairs: number[] = [];

  get size(): number {
    return this.pairs.length;
  }

  push(dueUs: number, pair: number): void {
    let index = this.pairs.length;
    this.dueUs.push(dueUs);
    this.pairs.push(pair);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.dueUs[parent]! <= dueUs) break;
      this.move(parent, index);
      index = parent;
    }
    this.dueUs[index] = dueUs;
    this.pairs[index] = pair;
  }

  /** Removes and returns the earliest pair due at or before `nowUs`, or -1 when none is. */
  popDue(nowUs: number): number {
    if (this.pairs.length === 0 || this.dueUs[0]! > nowUs) return -1;
    const top = this.pairs[0]!;
    const lastDue = this.dueUs.pop()!;
    const lastPair = this.pairs.pop()!;
    const size = this.pairs.length;
    if (size > 0) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && this.dueUs[right]! < this.dueUs[left]! ? right : left;
        if (this.dueUs[child]! >= lastDue) break;
        this.move(child, index);
        index = child;
      }
      this.dueUs[index] = lastDue;
      this.pairs[index] = lastPair;
    }
    return top;
  }

  clear(): void {
    this.dueUs = [];
    this.pairs = [];
  }

  private move(from: number, to: number): void {
    this.dueUs[to] = this.dueUs[from]!;
    this.pairs[to] = this.pairs[from]!;
  }
}
