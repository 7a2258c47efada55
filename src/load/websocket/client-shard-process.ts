import { setFlagsFromString } from 'node:v8';
import { holdStopSignals } from '../../process/stop-signals.js';
import { runInNewContext } from 'node:vm';
import { encodeHistogram, type Histogram } from '../../metrics/histogram.js';
import { nowUs, sleepMs } from '../../metrics/clock.js';
import { startProcessMonitor } from '../../metrics/process-monitor.js';
import { startEchoTicker, type EchoTicker } from './echo-ticker.js';
import type { ShardResult, ShardStart } from './shard-messages.js';
import { connectsInFlight, lastMessageUs, openConnections, rampUp, stopConnecting, swarmMeasurements, terminateAll } from './swarm.js';
import { conversationMeasurements, requestsInFlight, setBroadcastSchedule, startRequests, stopConversation, stopRequestTicker } from './conversation.js';

/**
 * Child-process entry of one client shard: "start" ramps its connections up (reporting "ramped"),
 * runs the echo load, and "finish" drains, sends back its histograms (encoded, for an exact merge)
 * and counters, then terminates every connection and exits. Once a second it reports open connections and counter
 * increments. It exits when the parent goes away (IPC disconnect); SIGINT and SIGTERM do not end it
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

const monitor = startProcessMonitor();
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
collectGarbage();
const baselineRssBytes = process.memoryUsage.rss();
let echo: EchoTicker | undefined;
let ticker: NodeJS.Timeout | undefined;

process.on('message', (message: ParentMessage) => {
  void handle(message).catch((error: unknown) => {
    process.send?.({ type: 'error', message: (error as Error).message });
  });
});

function tick(): void {
  process.send?.({ type: 'tick', open: openConnections().size, connecting: connectsInFlight(), counters: swarmMeasurements().counters.takeDelta() });
}

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'hello') {
    process.send?.({ type: 'loaded' });
    return;
  }
  if (message.type === 'start') {
    const { shard } = message;
    ticker = setInterval(tick, TICK_MS);
    const ramped = rampUp(shard.swarm);
    if (shard.echo) echo = startEchoTicker(openConnections(), shard.echo, swarmMeasurements().counters);
    if (shard.swarm.conversation) startRequests(openConnections());
    await ramped;
    process.send?.({ type: 'ramped', open: openConnections().size, opened: swarmMeasurements().counters.total('ws.connections.opened') });
    return;
  }
  if (message.type === 'broadcast-schedule') {
    expectBroadcasts(message.firstAtUs, message.everyUs, message.count);
    return;
  }
  echo?.stop();
  stopRequestTicker();
  await drain(echo);
  stopConversation();
  for (const timer of broadcastTimers) clearTimeout(timer);
  // Memory per held connection counts what the connections keep, not garbage waiting for a collection.
  collectGarbage();
  const heldConnections = openConnections().size;
  const heldRssBytes = process.memoryUsage.rss();
  stopConnecting();
  clearInterval(ticker);
  // The result goes first: its numbers are final once connecting has stopped, and tearing 15,000
  // connections down must never stand between the measurements and the parent.
  process.send?.(shardResult(heldConnections, heldRssBytes, echo), () => {
    terminateAll();
    process.exit(0);
  });
}

/** Waits until every echo has come back and traffic has been quiet for a moment, or no connection is left, or the timeout. */
async function drain(echoTicker: EchoTicker | undefined): Promise<void> {
  const { counters } = swarmMeasurements();
  const deadlineUs = nowUs() + DRAIN_TIMEOUT_MS * 1000;
  while (nowUs() < deadlineUs && openConnections().size > 0) {
    const echoesBack = !echoTicker || counters.total('ws.echo.received') >= echoTicker.sent();
    if (echoesBack && requestsInFlight() === 0 && nowUs() - lastMessageUs() >= QUIET_US) return;
    await sleepMs(10);
  }
}

function shardResult(heldConnections: number, heldRssBytes: number, echoTicker: EchoTicker | undefined): ShardResult {
  const measured = swarmMeasurements();
  const talk = conversationMeasurements();
  const usage = process.resourceUsage();
  const counters = measured.counters.takeDelta();
  if (echoTicker) counters['ws.echo.unanswered'] = echoTicker.sent() - measured.counters.total('ws.echo.received');
  return {
    type: 'result',
    counters,
    histograms: encodeNonEmpty({
      'ws.connect': measured.connect,
      'ws.echo': measured.echo,
      'ws.broadcast': measured.broadcast,
      ...(talk ? { 'ws.handshake': talk.handshake, 'ws.request': talk.request, 'ws.push': talk.push } : {}),
    }),
    causes: measured.causes.toJSON(),
    broadcastLastUs: [...measured.broadcastLastUs],
    heldConnections,
    heldRssBytes,
    baselineRssBytes,
    health: monitor.stop(),
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssBytes: usage.maxRSS * 1024,
  };
}

const broadcastTimers: NodeJS.Timeout[] = [];

/**
 * Triggered broadcasts: broadcast k is triggered at firstAtUs + k x everyUs. Its expected recipients
 * are this shard's connections held at that moment (`ws.broadcast.expected`).
 */
function expectBroadcasts(firstAtUs: number, everyUs: number, count: number): void {
  setBroadcastSchedule(firstAtUs, everyUs);
  for (let k = 0; k < count; k++) {
    const atUs = firstAtUs + k * everyUs;
    broadcastTimers.push(setTimeout(() => swarmMeasurements().counters.add('ws.broadcast.expected', openConnections().size), Math.max(0, (atUs - nowUs()) / 1000)));
  }
  process.send?.({ type: 'broadcast-scheduled' });
}

function encodeNonEmpty(histograms: Record<string, Histogram>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [name, histogram] of Object.entries(histograms)) if (histogram.totalCount > 0) encoded[name] = encodeHistogram(histogram);
  return encoded;
}
