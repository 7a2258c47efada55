import type { Recorder } from '../../metrics/recorder.js';
import type { TickMessage } from './tick-message.js';
import { addCounterDeltas } from './shard-results.js';

/** Client gauge: open connections summed over shards (its `.peak` counter is `ws.connections.peak`). */
export const CLIENT_OPEN_GAUGE = 'ws.connections';
/** Server gauge: open connections summed over built-in server processes. */
export const SERVER_OPEN_GAUGE = 'ws.server.connections';

/**
 * Folds the once-a-second reports of every ws child into the recorder: counter increments into the
 * timeline, client shards' new latency samples into its live views, and open connections per side
 * as the sum of each process's latest report.
 */
export class LiveTotals {
  private readonly clientOpen = new Map<number, number>();
  private readonly serverOpen = new Map<number, number>();
  private readonly clientConnecting = new Map<number, number>();

  constructor(
    private readonly recorder: Recorder,
    /** The gauges' names (the SSE phase passes its own). */
    private readonly clientGauge = CLIENT_OPEN_GAUGE,
    private readonly serverGauge = SERVER_OPEN_GAUGE,
  ) {}

  clientTick(shard: number, tick: TickMessage): void {
    addCounterDeltas(this.recorder, tick.counters);
    for (const [name, encoded] of Object.entries(tick.histograms ?? {})) this.recorder.addLiveHistogram(name, encoded);
    this.clientConnecting.set(shard, tick.connecting ?? 0);
    this.clientOpenNow(shard, tick.open);
  }

  clientOpenNow(shard: number, open: number): void {
    this.clientOpen.set(shard, open);
    this.recorder.gauge(this.clientGauge, sum(this.clientOpen));
  }

  serverTick(server: number, tick: Pick<TickMessage, 'open' | 'counters'>): void {
    addCounterDeltas(this.recorder, tick.counters);
    this.serverOpen.set(server, tick.open);
    this.recorder.gauge(this.serverGauge, sum(this.serverOpen));
  }

  openClientConnections(): number {
    return sum(this.clientOpen);
  }

  openServerConnections(): number {
    return sum(this.serverOpen);
  }

  connectsInFlight(): number {
    return sum(this.clientConnecting);
  }
}

function sum(values: Map<number, number>): number {
  let total = 0;
  for (const value of values.values()) total += value;
  return total;
}
