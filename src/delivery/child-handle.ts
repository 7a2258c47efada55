import { ChildLink } from '../process/child-link.js';
import { childEntry } from '../process/child-process.js';
import { holdStopSignals } from '../process/stop-signals.js';
import { startProcessMonitor, type ProcessHealth } from '../metrics/process-monitor.js';
import type { ProcessStats } from '../result/run-result.js';

/** The messages every delivery child understands. */
export type ParentMessage<Options> = { type: 'start'; options: Options } | { type: 'go'; startUs: number } | { type: 'stop' };

/** What a delivery child sends back on `stop`: its report and its CPU from `go` to `stop`. */
export interface ChildStats<Report> {
  type: 'stats';
  report: Report;
  cpuMs: number;
  maxRssBytes: number;
  /** The child's own health from `go` to `stop`. */
  health: ProcessHealth;
}

/** A delivery child (webhook subscribers or WebSocket publisher) listening on 127.0.0.1. */
export interface DeliveryChild<Report> {
  port: number;
  /** Resolves on the child's next message of `type` (rejects if it exits or `timeoutMs` passes). */
  waitFor(type: string, timeoutMs: number): Promise<unknown>;
  /** The stream starts at `startUs` (monotonic µs). */
  go(startUs: number): void;
  /** Cuts the child off, returns its report and health, and waits until it has exited. */
  stop(): Promise<{ report: Report; process: ProcessStats; health: ProcessHealth }>;
  /** Kills it without waiting (error and abort paths). */
  kill(): void;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** Forks `entry` (a module in src/delivery/), hands it `options`, and waits until it listens. */
export async function startDeliveryChild<Options, Report>(entry: string, role: string, options: Options): Promise<DeliveryChild<Report>> {
  const link = new ChildLink(role, childEntry(`delivery/${entry}`));
  let port: number;
  try {
    port = (await link.request<{ type: 'ready'; port: number }>({ type: 'start', options } satisfies ParentMessage<Options>, 'ready', START_TIMEOUT_MS)).port;
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    port,
    waitFor: (type, timeoutMs) => link.waitFor(type, timeoutMs),
    go(startUs) {
      link.send({ type: 'go', startUs } satisfies ParentMessage<Options>);
    },
    async stop() {
      const stats = await link.finish<ChildStats<Report>>({ type: 'stop' } satisfies ParentMessage<Options>, 'stats', STOP_TIMEOUT_MS);
      return { report: stats.report, process: { role, pid: link.pid, cpuMs: stats.cpuMs, maxRssBytes: stats.maxRssBytes }, health: stats.health };
    },
    kill() {
      link.kill();
    },
  };
}

/**
 * The child's side of the protocol: `start` builds the server and answers `ready` with its port;
 * `go` starts the clock; `stop` answers `stats` (report + CPU since `go`) and exits. The child also
 * exits when its parent goes away, so it cannot outlive a run; SIGINT and SIGTERM do not end it
 * (holdStopSignals: the parent decides how a run ends and asks for the numbers).
 */
export function serveDeliveryChild<Options, Report>(server: {
  start(options: Options): Promise<number>;
  go(startUs: number): void;
  stop(): Report | Promise<Report>;
}): void {
  process.on('disconnect', () => process.exit(0));
  holdStopSignals();
  let cpuSince = process.cpuUsage();
  const monitor = startProcessMonitor();
  const handle = async (message: ParentMessage<Options>): Promise<void> => {
    if (message.type === 'start') process.send?.({ type: 'ready', port: await server.start(message.options) });
    else if (message.type === 'go') {
      cpuSince = process.cpuUsage();
      monitor.restart();
      server.go(message.startUs);
    } else {
      const report = await server.stop();
      const cpu = process.cpuUsage(cpuSince);
      const health = monitor.stop();
      const stats: ChildStats<Report> = {
        type: 'stats',
        report,
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        health,
      };
      process.send?.(stats, () => process.exit(0));
    }
  };
  process.on('message', (message: ParentMessage<Options>) => {
    void handle(message).catch((error: unknown) => process.send?.({ type: 'error', message: (error as Error).message }));
  });
}
