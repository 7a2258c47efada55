import { Worker } from 'node:worker_threads';

/** What the starter of a worker thread hears from it. */
export interface WorkerListeners {
  message(message: unknown): void;
  error(error: Error): void;
  exit(code: number): void;
}

/**
 * The niceness a background worker thread gives itself (Linux: 19, the lowest priority). Set per
 * thread, before its modules load, so that loading and its later work take a CPU only when the
 * process's main thread (a generator) and everything at normal priority leave one free. Threads it
 * starts inherit it.
 */
export const BACKGROUND_NICENESS = 19;

/**
 * Starts a worker thread on `entry` (a module URL from childEntry) at BACKGROUND_NICENESS and unrefs
 * it, so it never keeps the process alive; the listeners are attached first, since attaching a
 * 'message' listener refs a worker again. A small data: URL module runs first in the thread: it
 * lowers the thread's priority, and from TypeScript sources registers tsx's loader (a worker does
 * not get the hooks `--import tsx` registered for the main thread), then imports the entry.
 */
export function startWorker(entry: URL, workerData: unknown, listeners: WorkerListeners): Worker {
  const worker = new Worker(bootstrap(entry), { workerData });
  worker.on('message', listeners.message);
  worker.on('error', listeners.error);
  worker.on('exit', listeners.exit);
  worker.unref();
  return worker;
}

function bootstrap(entry: URL): URL {
  const lines = [
    "import { readlinkSync } from 'node:fs';",
    "import { setPriority } from 'node:os';",
    // /proc/thread-self links to <pid>/task/<tid>; setpriority on a tid sets that thread's niceness (Linux). Elsewhere: as it is.
    `try { setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), ${BACKGROUND_NICENESS}); } catch {}`,
  ];
  if (entry.pathname.endsWith('.ts')) lines.push(`(await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register();`);
  lines.push(`await import(${JSON.stringify(entry.href)});`);
  return new URL(`data:text/javascript,${encodeURIComponent(lines.join('\n'))}`);
}
