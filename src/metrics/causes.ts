/**
 * Why failures happened: per failure counter (`ws.connections.failed.handshake`,
 * `webhook.errors.5xx`, ...), its first few distinct causes with a count each. Bounded, so a run
 * of a million failures keeps a few short lines: the first MAX_CAUSES distinct causes of each
 * counter are kept (later new causes still count in the counter, not here), each at most
 * MAX_CAUSE_CHARS characters.
 */
export interface CauseCount {
  cause: string;
  count: number;
}

export type Causes = Record<string, CauseCount[]>;

export const MAX_CAUSES = 5;
export const MAX_CAUSE_CHARS = 300;

/** A cause as stored: one line, printable, bounded. */
export function boundCause(text: string): string {
  const line = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?').trim();
  return line.length > MAX_CAUSE_CHARS ? `${line.slice(0, MAX_CAUSE_CHARS - 3)}...` : line;
}

/** Collects causes as failures happen (one per process: a generator, a client shard). */
export class CauseBook {
  private readonly byCounter = new Map<string, CauseCount[]>();

  note(counter: string, cause: string, by = 1): void {
    let list = this.byCounter.get(counter);
    if (!list) {
      list = [];
      this.byCounter.set(counter, list);
    }
    const text = boundCause(cause);
    for (const entry of list) {
      if (entry.cause === text) {
        entry.count += by;
        return;
      }
    }
    if (list.length < MAX_CAUSES) list.push({ cause: text, count: by });
  }

  add(causes: Causes): void {
    for (const [counter, list] of Object.entries(causes)) for (const { cause, count } of list) this.note(counter, cause, count);
  }

  get size(): number {
    return this.byCounter.size;
  }

  /** A plain copy, counters sorted by name; `redact` is applied to each cause text. */
  toJSON(redact: (text: string) => string = (text) => text): Causes {
    const out: Causes = {};
    for (const counter of [...this.byCounter.keys()].sort()) {
      const merged = new CauseBook();
      for (const { cause, count } of this.byCounter.get(counter)!) merged.note(counter, redact(cause), count);
      out[counter] = merged.byCounter.get(counter)!;
    }
    return out;
  }
}

/** Merges the causes of several results (shards, trials): same causes add, at most MAX_CAUSES each. */
export function mergeCauses(all: ReadonlyArray<Causes | undefined>): Causes {
  const book = new CauseBook();
  for (const causes of all) if (causes) book.add(causes);
  return book.toJSON();
}
