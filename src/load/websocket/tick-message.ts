/** Once-a-second report of a ws child (client shard or server): open connections, counter increments. */
export interface TickMessage {
  type: 'tick';
  open: number;
  /** Client shards: connects in flight. */
  connecting?: number;
  counters: Record<string, number>;
  /** Client shards: each latency metric's samples since the last tick, encoded (live views only; the result carries the whole). */
  histograms?: Record<string, string>;
}

/** A ChildLink message listener that passes the ticks on and ignores everything else. */
export function forwardTicks(onTick: (tick: TickMessage) => void): (message: { type?: unknown }) => void {
  return (message) => {
    if (message.type === 'tick') onTick(message as TickMessage);
  };
}
