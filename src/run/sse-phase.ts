import { bindJsonValue, type JsonTemplate } from '../template/json-template.js';
import { shareOf, type Stripe } from '../load/stripe.js';
import { startSseShardProcess, type SseShardProcess } from '../load/sse/shard-handle.js';
import type { SseShardResult } from '../load/sse/shard-messages.js';
import { BUILTIN_PUSH, type SsePushPlan, type SseStreamPlan } from '../load/sse/stream-plan.js';
import { LiveTotals } from '../load/websocket/live-totals.js';
import { connectionsPerLocalAddress, connectionsPerProcess, isLoopbackLiteral, planShards, serverProcessCount } from '../load/websocket/shard-plan.js';
import { addCounterDeltas } from '../load/websocket/shard-results.js';
import { firstP99Us, LIVE_LATENCY_ORDER } from '../load/progress.js';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ShardHealth } from '../result/run-result.js';
import { formatDurationUs } from '../scenario/duration.js';
import { DEFAULT_SSE_HISTORY, type SseConfig } from '../scenario/sse-schema.js';
import { tlsConnectOptions } from '../scenario/tls-schema.js';
import { startSseServerProcess, type SseServerProcess } from '../targets/sse-server-handle.js';
import type { WsServerStats } from '../targets/ws-server-handle.js';
import { nothingSucceededReason } from './nothing-succeeded.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';

const PROGRESS_INTERVAL_MS = 1_000;
/** A ramp may take this many times its planned length (plus the connect timeout) before the run gives up on it. */
const RAMP_SLACK = 5;
const RAMP_TIMEOUT_FLOOR_MS = 30_000;
export const SSE_CLIENT_GAUGE = 'sse.connections';
export const SSE_SERVER_GAUGE = 'sse.server.streams';
/** Counters every sse result carries, 0 included, so outside checks find each name. */
const SSE_COUNTERS = [
  'sse.connections.opened',
  'sse.connections.peak',
  'sse.connections.dropped',
  'sse.events.received',
  'sse.reconnects',
  'sse.resumed',
  'sse.push.gaps',
  'sse.push.duplicates',
  'sse.push.reordered',
];

/**
 * The sse phase, the websocket phase's lifecycle for event streams: built-in SSE servers up (one
 * process per 15k streams) -> client shards up -> ramp -> hold, with the built-in broadcast and
 * the cut of `faults.dropAt` -> broadcasts stop -> shards drain and report -> servers report and
 * stop. A child that dies becomes a reason the run is invalid, never a hang.
 */
export async function runSsePhase(whole: SseConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const { recorder, signal } = context;
  const { config, firstConnection } = shardPart(whole, context.stripe);
  const perProcess = connectionsPerProcess();
  const perLocalAddress = connectionsPerLocalAddress();
  const live = new LiveTotals(recorder, SSE_CLIENT_GAUGE, SSE_SERVER_GAUGE);
  const reasons: string[] = [];
  const warnings: string[] = [];
  const servers: SseServerProcess[] = [];
  const shards: SseShardProcess[] = [];
  const rampUs = (config.connections / config.connectRatePerSec) * 1e6;
  const phaseStartUs = recorder.elapsedUs();
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    if (config.push && config.target !== 'builtin' && !isLoopbackLiteral(config.target.href)) {
      warnings.push(`sse.push latency compares the server's clock with this host's (${config.target.host} is not loopback): it is only as good as the two clocks' sync`);
    }
    if (config.target === 'builtin') {
      const options = { history: config.faults?.history ?? DEFAULT_SSE_HISTORY, ...(config.broadcast ? { broadcast: config.broadcast } : {}) };
      const count = serverProcessCount(config.connections, perProcess, perLocalAddress);
      servers.push(...(await startAll(Array.from({ length: count }, (_unused, index) => startSseServerProcess(`sse-server-${index}`, options, (tick) => live.serverTick(index, tick))))));
    }
    const targets = config.target === 'builtin' ? servers.map((server) => server.url) : [config.target.href];
    const plans = streamPlans(config, targets, firstConnection, perProcess, perLocalAddress, context.seed);
    shards.push(...(await startAll(plans.map((_plan, index) => startSseShardProcess(`sse-client-${index}`, (tick) => live.clientTick(index, tick))))));
    progressTimer = setInterval(() => {
      const second = recorder.lastSecond();
      context.onProgress?.({
        elapsedUs: recorder.elapsedUs() - phaseStartUs,
        totalUs: rampUs + config.holdUs,
        sentPerSec: second?.counts['sse.events.received'] ?? 0,
        p99Us: firstP99Us(second?.p99Us, LIVE_LATENCY_ORDER.sse),
        errors: recorder.counterPrefixSum('sse.connections.failed.') + recorder.counter('sse.connections.dropped'),
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
        .start(plans[index]!, rampTimeoutMs)
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
    await startBroadcasts(config, servers, holdStartUs, reasons, warnings);
    await sleepMs(Math.max(0, config.holdUs - (nowUs() - holdStartUs)) / 1000, signal);

    const heldByServer = new Map<SseServerProcess, number>();
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
    for (const { result } of results) {
      addCounterDeltas(recorder, result.counters);
      recorder.addCauses(result.causes);
      for (const [name, encoded] of Object.entries(result.histograms)) recorder.addEncodedHistogram(name, encoded);
    }
    const [serverStats] = await Promise.all([stopServers(servers, recorder, reasons), ...shards.map((shard) => shard.link.ended())]);
    return sseOutcome({ config, recorder, children: [...shards, ...servers], results, serverStats, heldByServer, reasons, warnings, openedInRamp, rampedUs, interrupted: signal?.aborted ?? false });
  } finally {
    clearInterval(progressTimer);
    for (const child of [...shards, ...servers]) child.link.kill();
  }
}

/** This shard's contiguous share of the streams and the same share of the connect rate (as for websocket). */
function shardPart(config: SseConfig, stripe: Stripe): { config: SseConfig; firstConnection: number } {
  if (stripe.count === 1) return { config, firstConnection: 0 };
  const share = shareOf(config.connections, stripe);
  return {
    config: { ...config, connections: share.count, connectRatePerSec: (config.connectRatePerSec * share.count) / config.connections },
    firstConnection: share.first,
  };
}

/** The websocket shard plan (ranges, rates, source addresses), with what every SSE stream asks and measures. */
function streamPlans(config: SseConfig, targets: string[], firstConnection: number, perProcess: number, perLocalAddress: number, seed: number): SseStreamPlan[] {
  const push: SsePushPlan | undefined =
    config.target === 'builtin'
      ? BUILTIN_PUSH
      : config.push
        ? {
            ...(config.push.event !== undefined ? { event: config.push.event } : {}),
            ...(config.push.match !== undefined ? { match: constantMatch(config.push.match) } : {}),
            sentAtPath: config.push.sentAtPath,
            sentAtUnit: config.push.sentAtUnit,
            ...(config.push.seqPath ? { seqPath: config.push.seqPath } : {}),
          }
        : undefined;
  const swarms = planShards(
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
  );
  return swarms.map(({ conversation: _none, ...swarm }) => ({
    ...swarm,
    request: {
      method: config.method,
      headers: config.connect.headers,
      query: config.connect.query,
      ...(config.body ? { body: config.body } : {}),
      seed,
    },
    ...(config.tls ? { tls: tlsConnectOptions(config.tls)! } : {}),
    reconnect: config.reconnect,
    ...(push ? { push } : {}),
  }));
}

/**
 * Built-in broadcast k at holdStart + (k + 1) x every, the last at least half an `every` before
 * the hold ends (as for websocket); the cut of `faults.dropAt` at holdStart + dropAt.
 */
async function startBroadcasts(config: SseConfig, servers: readonly SseServerProcess[], holdStartUs: number, reasons: string[], warnings: string[]): Promise<void> {
  const cutAtUs = config.faults?.dropAtUs === undefined ? undefined : holdStartUs + config.faults.dropAtUs;
  let count = 0;
  if (config.broadcast) {
    count = Math.max(0, Math.floor((config.holdUs - config.broadcast.everyUs / 2) / config.broadcast.everyUs));
    if (count === 0) warnings.push(`no event was broadcast: hold (${formatDurationUs(config.holdUs)}) must be at least 1.5 x broadcast.every (${formatDurationUs(config.broadcast.everyUs)})`);
  }
  if (count === 0 && cutAtUs === undefined) return;
  const firstAtUs = holdStartUs + (config.broadcast?.everyUs ?? 0);
  await Promise.all(
    servers.map((server) =>
      server
        .startBroadcast(firstAtUs, count, cutAtUs)
        .catch((error: unknown) => void reasons.push(`${server.link.role} (pid ${server.link.pid}) did not start broadcasting: ${(error as Error).message}`)),
    ),
  );
}

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

async function finishAll(shards: readonly SseShardProcess[], reasons: string[]): Promise<Array<{ shard: SseShardProcess; result: SseShardResult }>> {
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

async function stopServers(servers: readonly SseServerProcess[], recorder: Recorder, reasons: string[]): Promise<Array<{ server: SseServerProcess; stats: WsServerStats }>> {
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

interface SseFinish {
  config: SseConfig;
  recorder: Recorder;
  children: ReadonlyArray<{ link: { role: string; pid: number | undefined; crash(): string | undefined } }>;
  results: ReadonlyArray<{ shard: SseShardProcess; result: SseShardResult }>;
  serverStats: ReadonlyArray<{ server: SseServerProcess; stats: WsServerStats }>;
  heldByServer: ReadonlyMap<SseServerProcess, number>;
  reasons: string[];
  warnings: string[];
  openedInRamp: number;
  rampedUs: number;
  interrupted: boolean;
}

/** Crashes, the nothing-measured rule, stalled client loops, client memory per held stream and the ramp's connect rate. */
function sseOutcome(finish: SseFinish): PhaseOutcome {
  const { recorder, reasons, results, serverStats, config } = finish;
  for (const name of SSE_COUNTERS) recorder.count(name, 0);
  for (const { link } of finish.children) {
    const crash = link.crash();
    if (!crash) continue;
    recorder.count('sse.processes.crashed');
    reasons.push(`${link.role} (pid ${link.pid}) died during the run (${crash}): its streams dropped and its measurements are lost`);
  }
  const failed = finish.interrupted
    ? undefined
    : nothingSucceededReason(recorder, {
        what: 'stream',
        attempted: config.connections,
        succeeded: recorder.counter('sse.connections.opened'),
        failurePrefix: 'sse.connections.failed.',
        where: config.target === 'builtin' ? 'the built-in SSE servers' : config.target.href,
      });
  if (failed) reasons.push(failed);
  const health: ShardHealth[] = [
    ...results.map(({ shard, result }) => ({
      role: shard.link.role,
      pid: shard.link.pid,
      connections: result.heldConnections,
      maxRssBytes: result.maxRssBytes,
      eventLoopDelayP99Us: result.health.eventLoopDelayP99Us,
      eventLoopDelayMaxUs: result.health.eventLoopDelayMaxUs,
      cpuMs: result.cpuMs,
    })),
    ...serverStats.map(({ server, stats }) => ({
      role: server.link.role,
      pid: server.link.pid,
      connections: finish.heldByServer.get(server) ?? 0,
      maxRssBytes: stats.maxRssBytes,
      eventLoopDelayP99Us: stats.health.eventLoopDelayP99Us,
      eventLoopDelayMaxUs: stats.health.eventLoopDelayMaxUs,
      cpuMs: stats.cpuMs,
    })),
  ];
  // Client shards' event-loop delay and CPU wait are judged with every other generator's (validity.ts).
  const held = results.reduce((sum, { result }) => sum + result.heldConnections, 0);
  const grownBytes = results.reduce((sum, { result }) => sum + Math.max(0, result.heldRssBytes - result.baselineRssBytes), 0);
  return {
    model: 'open',
    dispatched: 0,
    generators: results.map(({ shard, result }) => ({ role: shard.link.role, pid: shard.link.pid, health: result.health })),
    processes: [
      ...results.map(({ shard, result }) => ({ role: shard.link.role, pid: shard.link.pid, cpuMs: result.cpuMs, maxRssBytes: result.maxRssBytes })),
      ...serverStats.map(({ server, stats }) => ({ role: server.link.role, pid: server.link.pid, cpuMs: stats.cpuMs, maxRssBytes: stats.maxRssBytes })),
    ],
    warnings: finish.warnings,
    reasons,
    shards: health,
    ...(held > 0 ? { clientBytesPerConnection: grownBytes / held } : {}),
    ...(finish.rampedUs > 0 ? { connectRatePerSec: (finish.openedInRamp * 1e6) / finish.rampedUs } : {}),
  };
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** An SSE `match` holds no templates (sse-schema.ts refuses them), so it is one constant JSON object. */
function constantMatch(template: JsonTemplate): Record<string, unknown> {
  const bound = bindJsonValue(template);
  return 'constant' in bound ? (bound.constant as Record<string, unknown>) : {};
}
