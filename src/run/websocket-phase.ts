import { shareOf, type Stripe } from '../load/stripe.js';
import { LiveTotals } from '../load/websocket/live-totals.js';
import { connectionsPerLocalAddress, connectionsPerProcess, isLoopbackLiteral, planShards, serverProcessCount } from '../load/websocket/shard-plan.js';
import { startShardProcess, type ShardProcess } from '../load/websocket/shard-handle.js';
import type { ShardResult } from '../load/websocket/shard-messages.js';
import { addCounterDeltas, mergeShardResults } from '../load/websocket/shard-results.js';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import { formatDurationUs } from '../scenario/duration.js';
import { conversationSpecOf } from '../load/websocket/conversation-spec.js';
import { startTriggerLoop, type TriggerLoop } from './broadcast-trigger.js';
import type { WebsocketConfig } from '../scenario/schema.js';
import { startWsServerProcess, type WsServerProcess, type WsServerStats } from '../targets/ws-server-handle.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';
import { websocketOutcome } from './websocket-outcome.js';

const PROGRESS_INTERVAL_MS = 1_000;
/** A ramp may take this many times its planned length (plus the connect timeout) before the run gives up on it. */
const RAMP_SLACK = 5;
const RAMP_TIMEOUT_FLOOR_MS = 30_000;

/**
 * The websocket phase: built-in ws servers up (one process per 15k connections) -> client shards
 * up -> ramp (with echo) -> hold with echo and broadcast (broadcasts start when every connection
 * is up, so `ws.broadcast.last` is the fan-out to all of them) -> broadcasts stop -> shards drain, report, then tear down
 * -> servers stop and report. Every child is asked to finish, killed if it will not, and a child
 * that dies on its own becomes a reason the run is invalid, never a hang.
 */
export async function runWebsocketPhase(whole: WebsocketConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const { recorder, signal } = context;
  const { config, firstConnection } = shardPart(whole, context.stripe);
  const perProcess = connectionsPerProcess();
  const perLocalAddress = connectionsPerLocalAddress();
  const live = new LiveTotals(recorder);
  const reasons: string[] = [];
  const warnings: string[] = [];
  const servers: WsServerProcess[] = [];
  const shards: ShardProcess[] = [];
  const { holdUs } = config;
  const rampUs = (config.connections / config.connectRatePerSec) * 1e6;
  const phaseStartUs = recorder.elapsedUs();
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    const conversation = conversationSpecOf(config, context.seed);
    if (config.push && config.target !== 'builtin' && !isLoopbackLiteral(config.target.href)) {
      warnings.push(`ws.push latency compares the server's clock with this host's (${config.target.host} is not loopback): it is only as good as the two clocks' sync`);
    }
    if (config.target === 'builtin') servers.push(...(await startServers(config, serverProcessCount(config.connections, perProcess, perLocalAddress), live)));
    const targets = config.target === 'builtin' ? servers.map((server) => server.url) : [config.target.href];
    const plans = planShards(
      {
        targets,
        connections: config.connections,
        firstConnection,
        connectRatePerSec: config.connectRatePerSec,
        connectTimeoutMs: config.connectTimeoutUs / 1000,
        loopback: targets.every(isLoopbackLiteral),
        perLocalAddress,
      },
      perProcess,
    ).map((plan) => (conversation ? { ...plan, conversation } : plan));
    shards.push(...(await startAll(plans.map((_plan, index) => startShardProcess(`ws-client-${index}`, (tick) => live.clientTick(index, tick))))));
    progressTimer = setInterval(() => {
      const second = recorder.lastSecond();
      context.onProgress?.({
        elapsedUs: recorder.elapsedUs() - phaseStartUs,
        totalUs: rampUs + holdUs,
        sentPerSec: second?.counts['ws.messages.sent'] ?? 0,
        p99Us: undefined,
        errors: recorder.counterPrefixSum('ws.connections.failed.') + recorder.counterPrefixSum('ws.connections.dropped.'),
        inFlight: live.connectsInFlight(),
        openConnections: live.openClientConnections(),
        serverConnections: live.openServerConnections(),
      });
    }, PROGRESS_INTERVAL_MS);

    await context.waitForStart(signal);
    const rampStartUs = nowUs();
    let openedInRamp = 0;
    const rampTimeoutMs = Math.max(RAMP_TIMEOUT_FLOOR_MS, (rampUs / 1000) * RAMP_SLACK + config.connectTimeoutUs / 1000);
    const ramps = shards.map((shard, index) =>
      shard
        .start({ swarm: plans[index]!, ...(config.echo ? { echo: config.echo } : {}) }, rampTimeoutMs)
        .then((ramped) => {
          live.clientOpenNow(index, ramped.open);
          openedInRamp += ramped.opened;
        })
        .catch((error: unknown) => {
          if (!shard.link.crash()) reasons.push(`${shard.link.role} (pid ${shard.link.pid}) did not finish its ramp: ${(error as Error).message}`);
        }),
    );
    await Promise.race([Promise.all(ramps), aborted(signal)]);
    const rampedUs = nowUs() - rampStartUs;
    const holdStartUs = nowUs();
    await startBroadcasts(config, servers, holdUs, reasons, warnings);
    const triggers = await startTriggeredBroadcasts(config, shards, holdUs, recorder, context.seed, context.stripe, reasons, warnings);
    await sleepMs(Math.max(0, holdUs - (nowUs() - holdStartUs)) / 1000, signal);
    triggers?.stop();
    await triggers?.done;

    const heldByServer = new Map<WsServerProcess, number>();
    await Promise.all(
      servers.map((server, index) =>
        server
          .stopBroadcast()
          .then((stopped) => {
            live.serverTick(index, stopped);
            heldByServer.set(server, stopped.open);
          })
          .catch((error: unknown) => void reasons.push(`${server.link.role} (pid ${server.link.pid}) did not stop broadcasting: ${(error as Error).message}`)),
      ),
    );
    const results = await finishAll(shards, reasons);
    clearInterval(progressTimer);
    shards.forEach((_shard, index) => live.clientOpenNow(index, 0));
    mergeShardResults(recorder, results.map((entry) => entry.result));
    // Every shard has reported and is tearing its connections down; the servers report meanwhile.
    const [serverStats] = await Promise.all([stopServers(servers, recorder, reasons), ...shards.map((shard) => shard.link.ended())]);
    return websocketOutcome({ config, recorder, children: [...shards, ...servers], results, serverStats, heldByServer, reasons, warnings, openedInRamp, rampedUs, interrupted: signal?.aborted ?? false });
  } finally {
    clearInterval(progressTimer);
    for (const child of [...shards, ...servers]) child.link.kill();
  }
}

/**
 * This shard's part of the WebSocket plan: its contiguous share of the connections (numbered from
 * `firstConnection` in the global plan) and the same share of the connect rate, so the shards'
 * connections and rates sum exactly to the plan's; echo is per connection, so it splits with them.
 */
function shardPart(config: WebsocketConfig, stripe: Stripe): { config: WebsocketConfig; firstConnection: number } {
  if (stripe.count === 1) return { config, firstConnection: 0 };
  const share = shareOf(config.connections, stripe);
  return {
    config: { ...config, connections: share.count, connectRatePerSec: (config.connectRatePerSec * share.count) / config.connections },
    firstConnection: share.first,
  };
}

async function startServers(config: WebsocketConfig, count: number, live: LiveTotals): Promise<WsServerProcess[]> {
  const options = config.broadcast?.kind === 'builtin' ? { broadcast: config.broadcast } : {};
  const starts = Array.from({ length: count }, (_unused, index) => startWsServerProcess(`ws-server-${index}`, options, (tick) => live.serverTick(index, tick)));
  return startAll(starts);
}

/**
 * Every server sends broadcast k at the same intended time, so k is one event to every connection.
 * The first goes out one `every` into the hold and the last at least half an `every` before its end,
 * so no broadcast races the stop (which would reach one server's connections and not another's).
 */
async function startBroadcasts(config: WebsocketConfig, servers: readonly WsServerProcess[], holdUs: number, reasons: string[], warnings: string[]): Promise<void> {
  if (config.broadcast?.kind !== 'builtin') return;
  const plan = broadcastPlan(config.broadcast.everyUs, holdUs, warnings);
  if (!plan) return;
  const { firstAtUs, count } = plan;
  await Promise.all(
    servers.map((server) =>
      server
        .startBroadcast(firstAtUs, count)
        .catch((error: unknown) => void reasons.push(`${server.link.role} (pid ${server.link.pid}) did not start broadcasting: ${(error as Error).message}`)),
    ),
  );
}

/** Broadcast k at firstAtUs + k x every: the first one `every` into the hold, the last at least half an `every` before its end. */
function broadcastPlan(everyUs: number, holdUs: number, warnings: string[]): { firstAtUs: number; count: number } | undefined {
  const count = Math.max(0, Math.floor((holdUs - everyUs / 2) / everyUs));
  if (count === 0) {
    warnings.push(`no broadcast was sent: hold (${formatDurationUs(holdUs)}) must be at least 1.5 x broadcast.every (${formatDurationUs(everyUs)})`);
    return undefined;
  }
  return { firstAtUs: nowUs() + everyUs, count };
}

/**
 * Triggered broadcasts against a real server: every shard learns the schedule first (so it can time
 * and count what arrives), then the trigger is called for each broadcast at its intended time.
 */
async function startTriggeredBroadcasts(
  config: WebsocketConfig,
  shards: readonly ShardProcess[],
  holdUs: number,
  recorder: Recorder,
  seed: number,
  stripe: Stripe,
  reasons: string[],
  warnings: string[],
): Promise<TriggerLoop | undefined> {
  if (config.broadcast?.kind !== 'triggered') return undefined;
  const plan = broadcastPlan(config.broadcast.everyUs, holdUs, warnings);
  if (!plan) return undefined;
  await Promise.all(
    shards.map((shard) =>
      shard
        .scheduleBroadcasts(plan.firstAtUs, config.broadcast!.everyUs, plan.count)
        .catch((error: unknown) => void reasons.push(`${shard.link.role} (pid ${shard.link.pid}) did not take the broadcast schedule: ${(error as Error).message}`)),
    ),
  );
  // With --shard I/N every shard times and counts what its connections receive, but only shard 0
  // calls the trigger: one broadcast k for the whole plan, as one unsharded run would send.
  return stripe.index === 0 ? startTriggerLoop(config.broadcast, plan.firstAtUs, plan.count, recorder, seed) : undefined;
}

/** Waits for every start; if one failed, kills the ones that started and rethrows. */
async function startAll<T extends { link: { kill(): void } }>(starts: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  const started = settled.flatMap((entry) => (entry.status === 'fulfilled' ? [entry.value] : []));
  const failed = settled.find((entry) => entry.status === 'rejected');
  if (failed) {
    for (const child of started) child.link.kill();
    throw failed.reason;
  }
  return started;
}

async function finishAll(shards: readonly ShardProcess[], reasons: string[]): Promise<Array<{ shard: ShardProcess; result: ShardResult }>> {
  const finished = await Promise.all(
    shards.map((shard) =>
      shard.link.crash()
        ? undefined
        : shard.finish().then(
            (result) => ({ shard, result }),
            (error: unknown) => void reasons.push(`${shard.link.role} (pid ${shard.link.pid}) sent no result: ${(error as Error).message}`),
          ),
    ),
  );
  return finished.filter((entry) => entry !== undefined);
}

async function stopServers(
  servers: readonly WsServerProcess[],
  recorder: Recorder,
  reasons: string[],
): Promise<Array<{ server: WsServerProcess; stats: WsServerStats }>> {
  const stopped = await Promise.all(
    servers.map((server) =>
      server.link.crash()
        ? undefined
        : server.stop().then(
            (stats) => {
              addCounterDeltas(recorder, stats.counters);
              return { server, stats };
            },
            (error: unknown) => void reasons.push(`${server.link.role} (pid ${server.link.pid}) sent no stats: ${(error as Error).message}`),
          ),
    ),
  );
  return stopped.filter((entry) => entry !== undefined);
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
