import { ChildLink } from '../process/child-link.js';
import { childEntry } from '../process/child-process.js';
import type { ProcessStats } from '../result/run-result.js';
import type { ReceiverOptions, ReceiverSnapshot } from './webhook-receiver.js';


/** A built-in receiver running in its own process (its own core), listening on 127.0.0.1. */
export interface ReceiverProcess {
  url: string;
  pid: number;
  /** Closes the receiver and returns what it measured, once the process has exited. */
  stop(): Promise<{ snapshot: ReceiverSnapshot; process: ProcessStats }>;
  /** Forgets what it counted so far (after a warm-up). */
  reset(): Promise<void>;
  /** Kills it without waiting (error paths). */
  kill(): void;
}

interface ReceiverStats {
  type: 'stats';
  snapshot: ReceiverSnapshot;
  cpuMs: number;
  maxRssBytes: number;
}

const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

export async function startReceiverProcess(options: ReceiverOptions, port = 0): Promise<ReceiverProcess> {
  const link = new ChildLink('receiver', childEntry('targets/receiver-process'));
  let readyPort: number;
  try {
    readyPort = (await link.request<{ type: 'ready'; port: number }>({ type: 'start', options, port }, 'ready', START_TIMEOUT_MS)).port;
  } catch (error) {
    link.kill();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${readyPort}/webhook`,
    pid: link.pid,
    async stop() {
      const stats = await link.finish<ReceiverStats>({ type: 'stop' }, 'stats', REQUEST_TIMEOUT_MS);
      return { snapshot: stats.snapshot, process: { role: link.role, pid: link.pid, cpuMs: stats.cpuMs, maxRssBytes: stats.maxRssBytes } };
    },
    async reset() {
      await link.request<{ type: 'reset-done' }>({ type: 'reset' }, 'reset-done', REQUEST_TIMEOUT_MS);
    },
    kill() {
      link.kill();
    },
  };
}
