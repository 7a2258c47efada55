import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on `entry` (a module URL from childEntry), unref'd so it never keeps the
 * process alive. From TypeScript sources the worker must register tsx's loader itself (a worker does
 * not get the hooks that `--import tsx` registered for the main thread), so a data: URL module
 * registers it and then imports the entry. A built bundle's .js entry starts as it is.
 */
export function startWorker(entry: URL, workerData: unknown): Worker {
  const fromSource = entry.pathname.endsWith('.ts');
  const url = fromSource ? tsxBootstrap(entry) : entry;
  const worker = new Worker(url, { workerData });
  worker.unref();
  return worker;
}

function tsxBootstrap(entry: URL): URL {
  const register = import.meta.resolve('tsx/esm/api');
  const source = `import { register } from ${JSON.stringify(register)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}
