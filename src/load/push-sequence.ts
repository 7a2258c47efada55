/** Per-connection sequence state (two fields on the connection's own object: no map per connection). */
export interface SequenceState {
  pushMaxSeq: number;
  pushMissing: Set<number> | undefined;
}

/** The counters one kind of load keeps its sequencing in (`ws.push.gaps`, `sse.push.gaps`, ...). */
export interface SequenceCounterNames {
  gaps: string;
  duplicates: string;
  reordered: string;
}

/** Most skipped numbers remembered per connection (a later arrival of one counts as reordered). */
const MAX_MISSING = 10_000;

/**
 * Per-connection sequence numbers: the first one seen is the baseline; a jump remembers each number
 * skipped as a gap; a skipped number arriving later is reordered (and no longer a gap); a number at
 * or below the highest seen that was not skipped is a duplicate.
 */
export function trackSequenceAs(
  conn: SequenceState,
  seq: number,
  counters: { add(name: string, by?: number): void },
  names: SequenceCounterNames,
): void {
  if (!Number.isInteger(seq)) return;
  if (Number.isNaN(conn.pushMaxSeq)) {
    conn.pushMaxSeq = seq;
    return;
  }
  if (seq > conn.pushMaxSeq) {
    const skipped = seq - conn.pushMaxSeq - 1;
    if (skipped > 0) {
      conn.pushMissing ??= new Set();
      for (let missing = conn.pushMaxSeq + 1; missing < seq && conn.pushMissing.size < MAX_MISSING; missing++) conn.pushMissing.add(missing);
      counters.add(names.gaps, skipped);
    }
    conn.pushMaxSeq = seq;
  } else if (conn.pushMissing?.delete(seq)) {
    counters.add(names.reordered);
    counters.add(names.gaps, -1);
  } else counters.add(names.duplicates);
}
