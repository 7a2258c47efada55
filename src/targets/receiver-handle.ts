import { forkChild, siblingEntry, waitForMessage } from '../run/child-process.js';
import type { ReceiverOptions, ReceiverSnapshot } from './webhook-receiver.js';

export interface ProcessStats {
  role: string;
  pid: number;
  cpuMs: number;
  maxRssBytes: number;
}

/** A built-in receiver running in its own process (its own core), listening on 127.0.0.1. */
export interface ReceiverProcess {
  url: string;
  pid: number;
  /** Closes the receiver and returns what it measured. */
  stop(): Promise<{ snapshot: ReceiverSnapshot; process: ProcessStats }>;
  /** Forgets what it counted so far (after a warm-up). */
  reset(): Promise<void>;
  /** Kills it without waiting (error paths). */
  kill(): void;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const EXIT_GRACE_MS = 2_000;

export async function startReceiverProcess(options: ReceiverOptions, port = 0): Promise<ReceiverProcess> {
  const child = forkChild(siblingEntry(import.meta.url, 'receiver-process'));
  const ready = waitForMessage<{ type: 'ready'; port: number }>(child, 'ready', START_TIMEOUT_MS);
  child.send({ type: 'start', options, port });
  let readyPort: number;
  try {
    readyPort = (await ready).port;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid ?? 0;
  return {
    url: `http://127.0.0.1:${readyPort}/webhook`,
    pid,
    async stop() {
      const stats = waitForMessage<{ type: 'stats'; snapshot: ReceiverSnapshot; cpuMs: number; maxRssBytes: number }>(
        child,
        'stats',
        STOP_TIMEOUT_MS,
      );
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.send({ type: 'stop' });
      try {
        const message = await stats;
        return { snapshot: message.snapshot, process: { role: 'receiver', pid, cpuMs: message.cpuMs, maxRssBytes: message.maxRssBytes } };
      } finally {
        // The run is over only when the child is gone: give it a moment to exit, then kill it.
        const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
    },
    async reset() {
      const done = waitForMessage<{ type: 'reset-done' }>(child, 'reset-done', STOP_TIMEOUT_MS);
      child.send({ type: 'reset' });
      await done;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
