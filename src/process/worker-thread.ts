import { Worker } from 'node:worker_threads';

/** What the starter of a worker thread hears from it. */
export interface WorkerListeners {
  message(message: unknown): void;
  error(error: Error): void;
  exit(code: number): void;
}

/**
 * Starts a worker thread on `entry` (a module URL from childEntry) and unrefs it, so it never keeps
 * the process alive; the listeners are attached first, since attaching a 'message' listener refs a
 * worker again. From TypeScript sources the worker must register tsx's loader itself (a worker
 * does not get the hooks `--import tsx` registered for the main thread), so a data: URL module
 * registers it and then imports the entry. A built bundle's .js entry starts as it is.
 */
export function startWorker(entry: URL, workerData: unknown, listeners: WorkerListeners): Worker {
  const fromSource = entry.pathname.endsWith('.ts');
  const worker = new Worker(fromSource ? tsxBootstrap(entry) : entry, { workerData });
  worker.on('message', listeners.message);
  worker.on('error', listeners.error);
  worker.on('exit', listeners.exit);
  worker.unref();
  return worker;
}

function tsxBootstrap(entry: URL): URL {
  const register = import.meta.resolve('tsx/esm/api');
  const source = `import { register } from ${JSON.stringify(register)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}
