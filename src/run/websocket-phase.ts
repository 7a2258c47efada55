import { shareOf, type Stripe } from '../load/stripe.js';
import { LiveTotals } from '../load/websocket/live-totals.js';
import { connectionsPerLocalAddress, connectionsPerProcess, isLoopbackLiteral, planShards, serverProcessCount } from '../load/websocket/shard-plan.js';
import type { SwarmOptions } from '../load/websocket/swarm.js';
import { startShardProcess, type ShardProcess } from '../load/websocket/shard-handle.js';
import type { ShardResult } from '../load/websocket/shard-messages.js';
import { addCounterDeltas, mergeShardResults } from '../load/websocket/shard-results.js';
import { firstP99Us, LIVE_LATENCY_ORDER } from '../load/progress.js';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ChildLink } from '../process/child-link.js';
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

/** What the steps of one websocket phase share: this shard's config, its children and what went wrong. */
interface WsPhase {
  config: WebsocketConfig;
  context: PhaseContext;
  recorder: Recorder;
  live: LiveTotals;
  reasons: string[];
  warnings: string[];
  servers: WsServerProcess[];
  shards: ShardProcess[];
  plans: SwarmOptions[];
  rampUs: number;
}

/**
 * The websocket phase: built-in ws servers up (one process per 15k connections) -> client shards
 * up -> ramp (with echo) -> hold with echo and broadcast (broadcasts start when every connection
 * is up, so `ws.broadcast.last` is the fan-out to all of them) -> broadcasts stop -> shards drain, report, then tear down
 * -> servers stop and report. Every child is asked to finish, killed if it will not, and a child
 * that dies on its own becomes a reason the run is invalid, never a hang.
 */
export async function runWebsocketPhase(whole: WebsocketConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const { config, firstConnection } = shardPart(whole, context.stripe);
  const phase: WsPhase = {
    config,
    context,
    recorder: context.recorder,
    live: new LiveTotals(context.recorder),
    reasons: [],
    warnings: [],
    servers: [],
    shards: [],
    plans: [],
    rampUs: (config.connections / config.connectRatePerSec) * 1e6,
  };
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    await startChildren(phase, firstConnection);
    progressTimer = startProgress(phase);
    await context.waitForStart(context.signal);
    const { openedInRamp, rampedUs } = await ramp(phase);
    await hold(phase);
    const heldByServer = await stopBroadcasting(phase);
    const results = await finishAll(phase.shards, phase.reasons);
    clearInterval(progressTimer);
    phase.shards.forEach((_shard, index) => phase.live.clientOpenNow(index, 0));
    mergeShardResults(phase.recorder, results.map((entry) => entry.result));
    // Every shard has reported and is tearing its connections down; the servers report meanwhile.
    const [serverStats] = await Promise.all([stopServers(phase.servers, phase.recorder, phase.reasons), ...phase.shards.map((shard) => shard.link.ended())]);
    const { recorder, reasons, warnings } = phase;
    const children = [...phase.shards, ...phase.servers];
    return websocketOutcome({ config, recorder, children, results, serverStats, heldByServer, reasons, warnings, openedInRamp, rampedUs, interrupted: context.signal?.aborted ?? false });
  } finally {
    clearInterval(progressTimer);
    for (const child of [...phase.shards, ...phase.servers]) child.link.kill();
  }
}

/** Built-in servers (when the target is builtin) and the client shards up, each shard with its plan. */
async function startChildren(phase: WsPhase, firstConnection: number): Promise<void> {
  const { config, live } = phase;
  const perProcess = connectionsPerProcess();
  const perLocalAddress = connectionsPerLocalAddress();
  const conversation = conversationSpecOf(config, phase.context.seed);
  if (config.push && config.target !== 'builtin' && !isLoopbackLiteral(config.target.href)) {
    phase.warnings.push(`ws.push latency compares the server's clock with this host's (${config.target.host} is not loopback): it is only as good as the two clocks' sync`);
  }
  if (config.target === 'builtin') phase.servers.push(...(await startServers(config, serverProcessCount(config.connections, perProcess, perLocalAddress), live)));
  const targets = config.target === 'builtin' ? phase.servers.map((server) => server.url) : [config.target.href];
  phase.plans = planShards(
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
  phase.shards.push(...(await startAll(phase.plans.map((_plan, index) => startShardProcess(`ws-client-${index}`, (tick) => live.clientTick(index, tick))))));
}

function startProgress(phase: WsPhase): NodeJS.Timeout {
  const { recorder, live, context } = phase;
  const phaseStartUs = recorder.elapsedUs();
  return setInterval(() => {
    const second = recorder.lastSecond();
    context.onProgress?.({
      elapsedUs: recorder.elapsedUs() - phaseStartUs,
      totalUs: phase.rampUs + phase.config.holdUs,
      sentPerSec: second?.counts['ws.messages.sent'] ?? 0,
      p99Us: firstP99Us(second?.p99Us, LIVE_LATENCY_ORDER.websocket),
      errors: recorder.counterPrefixSum('ws.connections.failed.') + recorder.counterPrefixSum('ws.connections.dropped.'),
      inFlight: live.connectsInFlight(),
      openConnections: live.openClientConnections(),
      serverConnections: live.openServerConnections(),
    });
  }, PROGRESS_INTERVAL_MS);
}

/** Every shard connects its part (with echo); resolves when all have ramped, failed, or the run is aborted. */
async function ramp(phase: WsPhase): Promise<{ openedInRamp: number; rampedUs: number }> {
  const { config, live, plans } = phase;
  const rampStartUs = nowUs();
  let openedInRamp = 0;
  const rampTimeoutMs = Math.max(RAMP_TIMEOUT_FLOOR_MS, (phase.rampUs / 1000) * RAMP_SLACK + config.connectTimeoutUs / 1000);
  const ramps = phase.shards.map((shard, index) =>
    shard
      .start({ swarm: plans[index]!, ...(config.echo ? { echo: config.echo } : {}) }, rampTimeoutMs)
      .then((ramped) => {
        live.clientOpenNow(index, ramped.open);
        openedInRamp += ramped.opened;
      })
      .catch(childFailed(phase.reasons, shard.link, 'did not finish its ramp')),
  );
  await Promise.race([Promise.all(ramps), aborted(phase.context.signal)]);
  return { openedInRamp, rampedUs: nowUs() - rampStartUs };
}

/** The hold: broadcasts (built-in or triggered) run while every connection stays open, until the hold ends or the run is aborted. */
async function hold(phase: WsPhase): Promise<void> {
  const { config, context } = phase;
  const holdStartUs = nowUs();
  await startBroadcasts(config, phase.servers, config.holdUs, phase.reasons, phase.warnings);
  const triggers = await startTriggeredBroadcasts({
    config,
    shards: phase.shards,
    holdUs: config.holdUs,
    recorder: phase.recorder,
    seed: context.seed,
    stripe: context.stripe,
    reasons: phase.reasons,
    warnings: phase.warnings,
  });
  await sleepMs(Math.max(0, config.holdUs - (nowUs() - holdStartUs)) / 1000, context.signal);
  triggers?.stop();
  await triggers?.done;
}

/** Asks every server to stop broadcasting; returns how many connections each held at that moment. */
async function stopBroadcasting(phase: WsPhase): Promise<Map<WsServerProcess, number>> {
  const heldByServer = new Map<WsServerProcess, number>();
  await Promise.all(
    phase.servers.map((server, index) =>
      server
        .stopBroadcast()
        .then((stopped) => {
          phase.live.serverTick(index, stopped);
          heldByServer.set(server, stopped.open);
        })
        .catch(childFailed(phase.reasons, server.link, 'did not stop broadcasting')),
    ),
  );
  return heldByServer;
}

/**
 * The one handler for a child that did not answer a step: "`<role>` (pid …) did not …: why" becomes
 * a reason the run is invalid, unless the child crashed (the crash is its own reason, see websocketOutcome).
 */
function childFailed(reasons: string[], link: ChildLink, what: string): (error: unknown) => undefined {
  return (error) => {
    if (!link.crash()) reasons.push(`${link.role} (pid ${link.pid}) ${what}: ${(error as Error).message}`);
    return undefined;
  };
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
  await Promise.all(servers.map((server) => server.startBroadcast(firstAtUs, count).catch(childFailed(reasons, server.link, 'did not start broadcasting'))));
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

export interface TriggeredBroadcastOptions {
  config: WebsocketConfig;
  shards: readonly ShardProcess[];
  holdUs: number;
  recorder: Recorder;
  seed: number;
  /** Only stripe 0 calls the trigger; every stripe times and counts what arrives. */
  stripe: Stripe;
  /** Filled with why the run is invalid (a shard that did not take the schedule). */
  reasons: string[];
  /** Filled with what a reader must know (no broadcast fits the hold). */
  warnings: string[];
}

/**
 * Triggered broadcasts against a real server: every shard learns the schedule first (so it can time
 * and count what arrives), then the trigger is called for each broadcast at its intended time.
 */
export async function startTriggeredBroadcasts(options: TriggeredBroadcastOptions): Promise<TriggerLoop | undefined> {
  const { config, shards, holdUs, recorder, seed, stripe, reasons, warnings } = options;
  if (config.broadcast?.kind !== 'triggered') return undefined;
  const broadcast = config.broadcast;
  const plan = broadcastPlan(broadcast.everyUs, holdUs, warnings);
  if (!plan) return undefined;
  await Promise.all(
    shards.map((shard) => shard.scheduleBroadcasts(plan.firstAtUs, broadcast.everyUs, plan.count).catch(childFailed(reasons, shard.link, 'did not take the broadcast schedule'))),
  );
  // With --shard I/N every shard times and counts what its connections receive, but only shard 0
  // calls the trigger: one broadcast k for the whole plan, as one unsharded run would send.
  return stripe.index === 0 ? startTriggerLoop(broadcast, plan.firstAtUs, plan.count, recorder, seed) : undefined;
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
    shards.map((shard) => (shard.link.crash() ? undefined : shard.finish().then((result) => ({ shard, result }), childFailed(reasons, shard.link, 'sent no result')))),
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
        : server.stop().then((stats) => {
            addCounterDeltas(recorder, stats.counters);
            return { server, stats };
          }, childFailed(reasons, server.link, 'sent no stats')),
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
