import { ECHO_LATE_US } from '../load/websocket/echo-ticker.js';
import { WS_INTERNAL_MISSING } from '../load/websocket/lean-upgrade.js';
import type { ChildLink } from '../process/child-link.js';
import type { ShardProcess } from '../load/websocket/shard-handle.js';
import type { ShardResult } from '../load/websocket/shard-messages.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ShardHealth } from '../result/run-result.js';
import type { WebsocketConfig } from '../scenario/schema.js';
import type { WsServerProcess, WsServerStats } from '../targets/ws-server-handle.js';
import { nothingSucceededReason } from './nothing-succeeded.js';
import type { PhaseOutcome } from './phase.js';
import { MAX_ECHO_LATE_FRACTION } from './validity.js';

export interface WebsocketFinish {
  config: WebsocketConfig;
  recorder: Recorder;
  children: ReadonlyArray<{ link: ChildLink }>;
  results: ReadonlyArray<{ shard: ShardProcess; result: ShardResult }>;
  serverStats: ReadonlyArray<{ server: WsServerProcess; stats: WsServerStats }>;
  /** Connections each server held when the hold ended. */
  heldByServer: ReadonlyMap<WsServerProcess, number>;
  reasons: string[];
  /** Things a reader must know that do not void the run. */
  warnings: string[];
  openedInRamp: number;
  /** The run was cut short (Ctrl-C): nothing succeeding then is not the target's verdict. */
  interrupted: boolean;
  rampedUs: number;
}

/**
 * What the websocket phase reports once its children are done: crashes and missing broadcasts as
 * counters, the health of every process, client memory per held connection, and the reasons the
 * numbers may describe the client rather than the target.
 */
export function websocketOutcome(finish: WebsocketFinish): PhaseOutcome {
  const { recorder, reasons, results, serverStats } = finish;
  for (const { link } of finish.children) {
    const crash = link.crash();
    if (!crash) continue;
    recorder.count('ws.processes.crashed');
    reasons.push(`${link.role} (pid ${link.pid}) died during the run (${crash}): its connections dropped and its measurements are lost`);
  }
  if (finish.config.broadcast) {
    // Built-in: what the servers sent; triggered: the connections held when each trigger fired.
    const expected = finish.config.broadcast.kind === 'builtin' ? recorder.counter('ws.broadcast.sent') : recorder.counter('ws.broadcast.expected');
    recorder.count('ws.broadcast.missing', Math.max(0, expected - recorder.counter('ws.broadcast.received')));
  }
  const fallbacks = recorder.counter('ws.client.fallback');
  if (fallbacks > 0) {
    const why = WS_INTERNAL_MISSING === undefined ? "ws's socket reader was not where the fast frame reader looks for it" : `the installed ws has no \`${WS_INTERNAL_MISSING}\``;
    finish.warnings.push(
      `ws.client.fallback: ${fallbacks} connections went through ws's own client code instead of pushbench's lean path (${why}; pinned and tested with ws 8.23.0): they work, at more client CPU per connect and message`,
    );
  }
  const failed = finish.interrupted
    ? undefined
    : nothingSucceededReason(recorder, {
        what: 'connection',
        attempted: finish.config.connections,
        // Upgraded is not enough against a real server: its handshake and steps must succeed too.
        succeeded: recorder.counter('ws.connections.opened') - recorder.counter('ws.connections.failed.handshake'),
        failurePrefix: 'ws.connections.failed.',
        where: finish.config.target === 'builtin' ? 'the built-in ws servers' : finish.config.target.href,
      });
  if (failed) reasons.push(failed);
  // Client shards' event-loop delay and CPU wait are judged with every other generator's (validity.ts).
  const health = processHealth(finish);
  const echoSent = recorder.counter('ws.messages.sent');
  const echoLate = recorder.counter('ws.echo.late');
  if (echoSent > 0 && echoLate / echoSent > MAX_ECHO_LATE_FRACTION) {
    reasons.push(
      `${((echoLate / echoSent) * 100).toFixed(1)}% of echo messages left more than ${ECHO_LATE_US / 1000} ms after their intended time (limit ${MAX_ECHO_LATE_FRACTION * 100}%): the client shards could not keep the schedule`,
    );
  }
  const held = results.reduce((sum, { result }) => sum + result.heldConnections, 0);
  const grownBytes = results.reduce((sum, { result }) => sum + Math.max(0, result.heldRssBytes - result.baselineRssBytes), 0);
  return {
    model: 'open',
    // Echo sends are paced by ticks, not by the request pacer: their lateness is judged above (ws.echo.late).
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

function processHealth({ results, serverStats, heldByServer }: WebsocketFinish): ShardHealth[] {
  return [
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
      connections: heldByServer.get(server) ?? 0,
      maxRssBytes: stats.maxRssBytes,
      eventLoopDelayP99Us: stats.health.eventLoopDelayP99Us,
      eventLoopDelayMaxUs: stats.health.eventLoopDelayMaxUs,
      cpuMs: stats.cpuMs,
    })),
  ];
}
