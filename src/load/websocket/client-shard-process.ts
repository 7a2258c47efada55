import { setFlagsFromString } from 'node:v8';
import { holdStopSignals } from '../../process/stop-signals.js';
import { runInNewContext } from 'node:vm';
import type { Histogram } from '../../metrics/histogram.js';
import { encodeNonEmpty, HistogramDeltas } from '../../metrics/histogram-deltas.js';
import { nowUs, sleepMs } from '../../metrics/clock.js';
import { startProcessMonitor } from '../../metrics/process-monitor.js';
import { startEchoTicker, type EchoTicker } from './echo-ticker.js';
import type { ShardResult, ShardStart } from './shard-messages.js';
import { Swarm } from './swarm.js';

/**
 * Child-process entry of one client shard: "start" ramps its connections up (reporting "ramped"),
 * runs the echo load, and "finish" drains, sends back its histograms (encoded, for an exact merge)
 * and counters, then terminates every connection and exits. Once a second it reports open
 * connections, counter increments and the samples since its last report (for the live views). It
 * exits when the parent goes away (IPC disconnect); SIGINT and SIGTERM do not end it
 * (holdStopSignals): the parent, told of the signal, decides how the run ends and asks for the numbers.
 */
type ParentMessage =
  | { type: 'hello' }
  | { type: 'start'; shard: ShardStart }
  | { type: 'broadcast-schedule'; firstAtUs: number; everyUs: number; count: number }
  | { type: 'finish' };

const TICK_MS = 1_000;
/** After the echo replies are in, traffic must be quiet this long before closing (broadcasts in flight). */
const QUIET_US = 100_000;
const DRAIN_TIMEOUT_MS = 3_000;

process.on('disconnect', () => process.exit(0));
holdStopSignals();

/** One shard's run in this process; the module itself holds no state. */
class ShardSession {
  /** Restarted at `start`: the shard's figures cover its measured work, not its start-up. */
  private readonly monitor = startProcessMonitor();
  private readonly collectGarbage: () => void;
  private readonly baselineRssBytes: number;
  private swarm: Swarm | undefined;
  private echo: EchoTicker | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly broadcastTimers: NodeJS.Timeout[] = [];
  private readonly deltas = new HistogramDeltas();

  constructor() {
    setFlagsFromString('--expose-gc');
    this.collectGarbage = runInNewContext('gc') as () => void;
    this.collectGarbage();
    this.baselineRssBytes = process.memoryUsage.rss();
  }

  tick(): void {
    const swarm = this.swarm!;
    process.send?.({
      type: 'tick',
      open: swarm.open.size,
      connecting: swarm.connectsInFlight(),
      counters: swarm.measured.counters.takeDelta(),
      histograms: this.deltas.take(this.histograms()),
    });
  }

  async handle(message: ParentMessage): Promise<void> {
    if (message.type === 'hello') {
      process.send?.({ type: 'loaded' });
      return;
    }
    if (message.type === 'start') {
      const { shard } = message;
      this.monitor.restart();
      const swarm = (this.swarm = new Swarm(shard.swarm));
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      const ramped = swarm.rampUp();
      if (shard.echo) this.echo = startEchoTicker(swarm.open, shard.echo, swarm.measured.counters);
      swarm.conversation?.startRequests(swarm.open);
      await ramped;
      process.send?.({ type: 'ramped', open: swarm.open.size, opened: swarm.measured.counters.total('ws.connections.opened') });
      return;
    }
    if (message.type === 'broadcast-schedule') {
      this.expectBroadcasts(message.firstAtUs, message.everyUs, message.count);
      return;
    }
    const swarm = this.swarm!;
    this.echo?.stop();
    swarm.conversation?.stopRequestTicker();
    await this.drain();
    swarm.conversation?.stop();
    for (const timer of this.broadcastTimers) clearTimeout(timer);
    // Memory per held connection counts what the connections keep, not garbage waiting for a collection.
    this.collectGarbage();
    const heldConnections = swarm.open.size;
    const heldRssBytes = process.memoryUsage.rss();
    swarm.stopConnecting();
    clearInterval(this.ticker);
    // The result goes first: its numbers are final once connecting has stopped, and tearing 15,000
    // connections down must never stand between the measurements and the parent.
    process.send?.(this.result(heldConnections, heldRssBytes), () => {
      swarm.terminateAll();
      process.exit(0);
    });
  }

  /** Waits until every echo has come back and traffic has been quiet for a moment, or no connection is left, or the timeout. */
  private async drain(): Promise<void> {
    const swarm = this.swarm!;
    const { counters } = swarm.measured;
    const deadlineUs = nowUs() + DRAIN_TIMEOUT_MS * 1000;
    while (nowUs() < deadlineUs && swarm.open.size > 0) {
      const echoesBack = !this.echo || counters.total('ws.echo.received') >= this.echo.sent();
      if (echoesBack && (swarm.conversation?.requestsInFlight() ?? 0) === 0 && nowUs() - swarm.lastMessageUs() >= QUIET_US) return;
      await sleepMs(10);
    }
  }

  private result(heldConnections: number, heldRssBytes: number): ShardResult {
    const swarm = this.swarm!;
    const measured = swarm.measured;
    const usage = process.resourceUsage();
    const counters = measured.counters.takeDelta();
    if (this.echo) counters['ws.echo.unanswered'] = this.echo.sent() - measured.counters.total('ws.echo.received');
    return {
      type: 'result',
      counters,
      histograms: encodeNonEmpty(this.histograms()),
      causes: measured.causes.toJSON(),
      broadcastLastUs: [...measured.broadcastLastUs],
      heldConnections,
      heldRssBytes,
      baselineRssBytes: this.baselineRssBytes,
      health: this.monitor.stop(),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssBytes: usage.maxRSS * 1024,
    };
  }

  private histograms(): Record<string, Histogram> {
    const { measured, conversation } = this.swarm!;
    const talk = conversation?.measured;
    return {
      'ws.connect': measured.connect,
      'ws.echo': measured.echo,
      'ws.broadcast': measured.broadcast,
      ...(talk ? { 'ws.handshake': talk.handshake, 'ws.request': talk.request, 'ws.push': talk.push } : {}),
    };
  }

  /**
   * Triggered broadcasts: broadcast k is triggered at firstAtUs + k x everyUs. Its expected recipients
   * are this shard's connections held at that moment (`ws.broadcast.expected`).
   */
  private expectBroadcasts(firstAtUs: number, everyUs: number, count: number): void {
    const swarm = this.swarm!;
    swarm.conversation?.setBroadcastSchedule(firstAtUs, everyUs);
    for (let k = 0; k < count; k++) {
      const atUs = firstAtUs + k * everyUs;
      this.broadcastTimers.push(setTimeout(() => swarm.measured.counters.add('ws.broadcast.expected', swarm.open.size), Math.max(0, (atUs - nowUs()) / 1000)));
    }
    process.send?.({ type: 'broadcast-scheduled' });
  }
}

function main(): void {
  const session = new ShardSession();
  process.on('message', (message: ParentMessage) => {
    void session.handle(message).catch((error: unknown) => {
      process.send?.({ type: 'error', message: (error as Error).message });
    });
  });
}

main();
