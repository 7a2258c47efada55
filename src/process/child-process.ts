import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RunError } from '../errors.js';

const live = new Set<ChildProcess>();
/**
 * Preloaded before a child's own modules. A child whose parent dies (kill -9) exits when its IPC
 * channel closes, but only once its entry module has registered that handler, and while its
 * modules load (seconds under tsx on a busy box) its main thread is blocked: a watchdog thread
 * kills it when its parent is gone, until the entry's own 'disconnect' handler is in place.
 */
const EXIT_WITH_PARENT_SOURCE = `
import { Worker } from 'node:worker_threads';
process.on('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);
const watch = new Worker("const { workerData } = require('node:worker_threads'); setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 100);", { eval: true, workerData: process.ppid });
watch.unref();
const handover = setInterval(() => {
  if (process.listenerCount('disconnect') < 2) return;
  clearInterval(handover);
  void watch.terminate();
}, 100);
handover.unref();
`;
const EXIT_WITH_PARENT = `--import=data:text/javascript,${encodeURIComponent(EXIT_WITH_PARENT_SOURCE)}`;
let exitHookInstalled = false;

/**
 * Forks `entry` (a module URL next to the caller) with an IPC channel. Running from TypeScript
 * sources (tests, tsx), the child gets the tsx loader; from dist/ it runs plain JavaScript. Every
 * child is killed when this process exits, and each child exits by itself when its IPC channel
 * closes, so none outlives the run.
 */
export function forkChild(entry: URL, args: string[] = []): ChildProcess {
  const path = fileURLToPath(entry);
  const fromSource = path.endsWith('.ts');
  const child = fork(path, args, {
    execArgv: fromSource ? [EXIT_WITH_PARENT, '--import', 'tsx'] : [EXIT_WITH_PARENT],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const each of live) each.kill('SIGKILL');
    });
  }
  return child;
}

/**
 * The entry module of a child process, by its path under src/ (or dist/), e.g.
 * `targets/receiver-process`: `.ts` when running from sources, `.js` when built. Resolved from this
 * module's own place one folder below the root, which is also where the bundled CLI
 * (dist/cli/main.js) sits, so it holds bundled or not.
 */
export function childEntry(pathFromRoot: string): URL {
  return new URL(`../${pathFromRoot}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
}

/** Waits for the first IPC message of type `type`, failing if the child exits or `timeoutMs` passes. */
export function waitForMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new RunError(`child process ${child.pid} sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type) done(undefined, message as T);
      else if ((message as { type?: unknown } | null)?.type === 'error') done(new RunError(String((message as { message?: unknown }).message)));
    };
    const onExit = (code: number | null, signal: string | null): void =>
      done(new RunError(`child process ${child.pid} exited (${signal ?? `code ${code}`}) before sending "${type}"`));
    function done(error: Error | undefined, message?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('close', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    // 'close', not 'exit': a child that replies and exits at once (stats, then exit) may be seen to
    // exit before its last message is read on a busy machine; 'close' comes after the IPC channel has
    // delivered everything.
    child.on('close', onExit);
  });
}

/** Number of children still alive (for tests that prove none outlives a run). */
export function liveChildren(): number {
  return live.size;
}
