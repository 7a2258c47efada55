import type { ChildProcess } from 'node:child_process';
import { forkChild, siblingEntry, waitForMessage } from '../run/child-process.js';
import type { ProcessStats } from '../targets/receiver-handle.js';

/** The messages every delivery child understands. */
export type ParentMessage<Options> = { type: 'start'; options: Options } | { type: 'go'; startUs: number } | { type: 'stop' };

/** What a delivery child sends back on `stop`: its report and its CPU from `go` to `stop`. */
export interface ChildStats<Report> {
  type: 'stats';
  report: Report;
  cpuMs: number;
  maxRssBytes: number;
}

/** A delivery child (webhook subscribers or WebSocket publisher) listening on 127.0.0.1. */
export interface DeliveryChild<Report> {
  port: number;
  child: ChildProcess;
  /** The stream starts at `startUs` (monotonic µs). */
  go(startUs: number): void;
  /** Cuts the child off, returns its report, and waits until it has exited. */
  stop(): Promise<{ report: Report; process: ProcessStats }>;
  /** Kills it without waiting (error and abort paths). */
  kill(): void;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const EXIT_GRACE_MS = 2_000;

/** Forks `entry` (a module next to this one), hands it `options`, and waits until it listens. */
export async function startDeliveryChild<Options, Report>(entry: string, role: string, options: Options): Promise<DeliveryChild<Report>> {
  const child = forkChild(siblingEntry(import.meta.url, entry));
  const ready = waitForMessage<{ type: 'ready'; port: number }>(child, 'ready', START_TIMEOUT_MS);
  child.send({ type: 'start', options } satisfies ParentMessage<Options>);
  let port: number;
  try {
    port = (await ready).port;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid ?? 0;
  return {
    port,
    child,
    go(startUs) {
      child.send({ type: 'go', startUs } satisfies ParentMessage<Options>);
    },
    async stop() {
      const stats = waitForMessage<ChildStats<Report>>(child, 'stats', STOP_TIMEOUT_MS);
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.send({ type: 'stop' } satisfies ParentMessage<Options>);
      try {
        const message = await stats;
        return { report: message.report, process: { role, pid, cpuMs: message.cpuMs, maxRssBytes: message.maxRssBytes } };
      } finally {
        const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

/**
 * The child's side of the protocol: `start` builds the server and answers `ready` with its port;
 * `go` starts the clock; `stop` answers `stats` (report + CPU since `go`) and exits. The child also
 * exits when its parent goes away, so it cannot outlive a run.
 */
export function serveDeliveryChild<Options, Report>(server: {
  start(options: Options): Promise<number>;
  go(startUs: number): void;
  stop(): Report | Promise<Report>;
}): void {
  process.on('disconnect', () => process.exit(0));
  let cpuSince = process.cpuUsage();
  const handle = async (message: ParentMessage<Options>): Promise<void> => {
    if (message.type === 'start') process.send?.({ type: 'ready', port: await server.start(message.options) });
    else if (message.type === 'go') {
      cpuSince = process.cpuUsage();
      server.go(message.startUs);
    } else {
      const report = await server.stop();
      const cpu = process.cpuUsage(cpuSince);
      const stats: ChildStats<Report> = {
        type: 'stats',
        report,
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      };
      process.send?.(stats, () => process.exit(0));
    }
  };
  process.on('message', (message: ParentMessage<Options>) => {
    void handle(message).catch((error: unknown) => process.send?.({ type: 'error', message: (error as Error).message }));
  });
}
