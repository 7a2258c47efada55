import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RunError } from '../errors.js';

const live = new Set<ChildProcess>();
/**
 * Preloaded before a child's own modules: it exits when its IPC channel closes (the parent is gone),
 * and at once if that happened before it got here.
 */
const EXIT_WITH_PARENT = "--import=data:text/javascript,process.on('disconnect',()=>process.exit(0));if(!process.connected)process.exit(0);";
/**
 * From sources only: while tsx loads a child's modules (seconds on a busy box) its main thread is
 * blocked and cannot see its parent go. A watcher in its own process group (tail --pid, outside the
 * child, so the child's own RSS figures do not carry it) kills the child if the parent dies first,
 * and is killed once the child's entry has registered its own 'disconnect' handler. Built bundles
 * load in milliseconds and need none.
 */
const WATCH_WHILE_LOADING_SOURCE = `
import { spawn } from 'node:child_process';
const watcher = spawn('sh', ['-c', 'tail -s 0.1 --pid=' + process.ppid + ' -f /dev/null 2>/dev/null && kill -9 ' + process.pid], { stdio: 'ignore', detached: true });
watcher.on('error', () => {});
watcher.unref();
const stopWatching = () => { try { process.kill(-watcher.pid, 'SIGKILL'); } catch {} };
process.on('exit', stopWatching);
process.on('newListener', function handover(event) {
  if (event !== 'disconnect') return;
  process.off('newListener', handover);
  process.off('exit', stopWatching);
  stopWatching();
});
`;
const WATCH_WHILE_LOADING = `--import=data:text/javascript,${encodeURIComponent(WATCH_WHILE_LOADING_SOURCE)}`;
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
    execArgv: fromSource ? [EXIT_WITH_PARENT, WATCH_WHILE_LOADING, '--import', 'tsx'] : [EXIT_WITH_PARENT],
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
 * The entry module of a child process (or a worker thread, see worker-thread.ts), by its path under
 * src/ (or dist/), e.g. `targets/receiver-process`: `.ts` when running from sources, `.js` when built. Resolved from this
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
