import type { Worker } from 'node:worker_threads';
import { childEntry } from '../../process/child-process.js';
import { startWorker } from '../../process/worker-thread.js';
import type { OutcomeMessage, ReadyMessage, WriteMessage, WriteWorkerSettings } from './write-messages.js';

/** How a write handed to the worker ended. */
export interface WriteResult {
  ok: boolean;
  problem?: string;
  /** Abandoned for the final write, which carries everything it had. */
  superseded?: true;
}

/**
 * The generator thread's side of the remote-write worker thread (remote-write-worker.ts): posts
 * snapshots, handing over their slot buffers, and resolves each write with its outcome. A worker
 * that fails to start, throws or exits fails every write under way and every later one with the
 * reason: a counted failure, never a crash. It never keeps the process alive.
 */
export class RemoteWriteWorker {
  private worker: Worker | undefined;
  private gone: string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (result: WriteResult) => void>();
  private markReady: () => void = () => {};
  /** Resolves once the worker has loaded (or is gone): the run starts its measured schedule after it. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(settings: WriteWorkerSettings) {
    try {
      this.worker = startWorker(childEntry('outputs/prometheus/remote-write-worker'), settings, {
        message: (message) => {
          if ((message as ReadyMessage).type === 'ready') return this.markReady();
          const outcome = message as OutcomeMessage;
          this.settle(outcome.id, outcome.ok ? { ok: true } : { ok: false, problem: outcome.problem ?? 'unknown', ...(outcome.superseded ? { superseded: true } : {}) });
        },
        error: (error) => this.end(`the write worker failed: ${error.message}`),
        exit: (code) => this.end(`the write worker exited (code ${code})`),
      });
    } catch (error) {
      this.gone = `the write worker did not start: ${(error as Error).message}`;
      this.markReady();
    }
  }

  /** Hands one write to the worker (the `transfer` buffers become the worker's); resolves when it has ended. */
  write(message: Omit<WriteMessage, 'type' | 'id'>, transfer: ArrayBuffer[]): Promise<WriteResult> {
    if (this.gone || !this.worker) return Promise.resolve({ ok: false, problem: this.gone ?? 'no write worker' });
    const id = this.nextId++;
    const outcome = new Promise<WriteResult>((resolve) => this.pending.set(id, resolve));
    const full: WriteMessage = { type: 'write', id, ...message };
    try {
      this.worker.postMessage(full, transfer);
    } catch (error) {
      this.settle(id, { ok: false, problem: `the snapshot could not be posted: ${(error as Error).message}` });
    }
    return outcome;
  }

  /** Fails every write still under way with `reason` and terminates the worker. */
  async stop(reason: string): Promise<void> {
    const worker = this.worker;
    this.end(reason);
    this.worker = undefined;
    await worker?.terminate();
  }

  private settle(id: number, result: WriteResult): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(result);
  }

  private end(reason: string): void {
    this.gone ??= reason;
    this.markReady();
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, problem: reason });
  }
}
