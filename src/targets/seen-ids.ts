const SEQ_ID = /^evt_[0-9a-f]{8}_(\d{1,9})$/;

/**
 * Remembers which event ids arrived. pushbench's own ids (`evt_<seed>_<seq>`) go into a bitset, one
 * bit per event, so a run of millions of events costs kilobytes; any other id falls back to a Set.
 */
export class SeenIds {
  private bits = new Uint8Array(1024);
  private readonly others = new Set<string>();

  /** Marks `id` as seen; returns false when it had been seen before. */
  add(id: string): boolean {
    const match = SEQ_ID.exec(id);
    if (!match) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    const seq = Number(match[1]);
    const byte = seq >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    if (this.bits[byte]! & mask) return false;
    this.bits[byte]! |= mask;
    return true;
  }
}
