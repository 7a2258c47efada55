import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Histogram } from '../../metrics/histogram.js';
import { encodeNonEmpty, HistogramDeltas } from '../../metrics/histogram-deltas.js';
import { nowUs, sleepMs } from '../../metrics/clock.js';
import { startProcessMonitor } from '../../metrics/process-monitor.js';
import type { SseShardParentMessage, SseShardResult } from './shard-messages.js';
import { SseStreams } from './sse-streams.js';

/**
 * Child-process entry of one SSE client shard: "start" opens its streams (reporting "ramped" once
 * every first open settled), "finish" drains (reopens in flight, events still arriving), sends back
 * its histograms (encoded, for an exact merge) and counters, then destroys every stream and exits.
 * Once a second it reports open streams, counter increments and the samples since its last report
 * (the websocket shards' tick). It exits when the parent goes away and ignores SIGINT: the parent
 * decides how the run ends.
 */
const TICK_MS = 1_000;
/** Traffic must be quiet this long before the shard reports (events in flight). */
const QUIET_US = 100_000;
const DRAIN_TIMEOUT_MS = 3_000;
const MAX_RETRY_WAIT_MS = 5_000;

process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});

/** One shard's run in this process; the module itself holds no state. */
class SseShardSession {
  /** Restarted at `start`: the shard's figures cover its measured work, not its start-up. */
  private readonly monitor = startProcessMonitor();
  private readonly collectGarbage: () => void;
  private readonly baselineRssBytes: number;
  private streams: SseStreams | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private drainLimitMs = DRAIN_TIMEOUT_MS;
  private readonly deltas = new HistogramDeltas();

  constructor() {
    setFlagsFromString('--expose-gc');
    this.collectGarbage = runInNewContext('gc') as () => void;
    this.collectGarbage();
    this.baselineRssBytes = process.memoryUsage.rss();
  }

  tick(): void {
    const streams = this.streams!;
    process.send?.({
      type: 'tick',
      open: streams.openCount(),
      connecting: streams.opensInFlight(),
      counters: streams.measured.counters.takeDelta(),
      histograms: this.deltas.take(this.histograms()),
    });
  }

  async handle(message: SseShardParentMessage): Promise<void> {
    if (message.type === 'hello') {
      process.send?.({ type: 'loaded' });
      return;
    }
    if (message.type === 'start') {
      this.monitor.restart();
      const streams = (this.streams = new SseStreams(message.plan));
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      // A stream cut late in the hold reopens after its retry time: the drain waits for that too, up
      // to a bound (a server that ends every stream at once keeps some stream reopening for ever).
      this.drainLimitMs = DRAIN_TIMEOUT_MS + Math.min(message.plan.reconnect.retryUs / 1000, MAX_RETRY_WAIT_MS);
      await streams.open();
      process.send?.({ type: 'ramped', open: streams.openCount(), opened: streams.measured.counters.total('sse.connections.opened') });
      return;
    }
    const streams = this.streams!;
    await this.drain();
    this.collectGarbage();
    const heldConnections = streams.openCount();
    const heldRssBytes = process.memoryUsage.rss();
    streams.stopOpening();
    clearInterval(this.ticker);
    // The result first: destroying 15,000 streams must never stand between the numbers and the parent.
    process.send?.(this.result(heldConnections, heldRssBytes), () => {
      streams.destroyAll();
      process.exit(0);
    });
  }

  /** Waits until no stream is between a drop and its reopen and events have been quiet a moment, or the limit. */
  private async drain(): Promise<void> {
    const streams = this.streams!;
    const deadlineUs = nowUs() + this.drainLimitMs * 1000;
    while (nowUs() < deadlineUs) {
      if (streams.waitingCount() === 0 && streams.opensInFlight() === 0 && nowUs() - streams.lastEventUs() >= QUIET_US) return;
      await sleepMs(10);
    }
  }

  private histograms(): Record<string, Histogram> {
    const { measured } = this.streams!;
    return { 'sse.connect': measured.connect, 'sse.firstEvent': measured.firstEvent, 'sse.push': measured.push, 'sse.reconnect': measured.reconnect };
  }

  private result(heldConnections: number, heldRssBytes: number): SseShardResult {
    const { measured } = this.streams!;
    const usage = process.resourceUsage();
    return {
      type: 'result',
      counters: measured.counters.takeDelta(),
      causes: measured.causes.toJSON(),
      histograms: encodeNonEmpty(this.histograms()),
      heldConnections,
      heldRssBytes,
      baselineRssBytes: this.baselineRssBytes,
      health: this.monitor.stop(),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssBytes: usage.maxRSS * 1024,
    };
  }
}

function main(): void {
  const session = new SseShardSession();
  process.on('message', (message: SseShardParentMessage) => {
    void session.handle(message).catch((error: unknown) => {
      process.send?.({ type: 'error', message: (error as Error).message });
    });
  });
}

main();
