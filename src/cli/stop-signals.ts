import type { EventEmitter } from 'node:events';
import { onChildStopSignal, STOP_SIGNALS, type StopSignal } from '../process/stop-signals.js';

/** Exit status of a second signal: 128 + the signal's number, as a shell reports it. */
export const QUIT_STATUS: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT and SIGTERM end a run the same way: the first one aborts `controller` (the run stops its
 * schedule, gives in-flight work its grace and writes an interrupted result); a second one quits at
 * once. A signal that reached a child process (the whole process group signalled) also aborts, but
 * never counts as the second. Returns the function that removes the handlers. `signals` and `quit`
 * are the process's own unless a test passes others.
 */
export function handleStopSignals(
  controller: AbortController,
  signals: EventEmitter = process,
  quit: (status: number) => void = (status) => process.exit(status),
): () => void {
  let received = 0;
  const stop = (what: string): void => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\nstopping (${what}): finishing in-flight work and writing the result (a second Ctrl-C or SIGTERM quits at once)\n`);
    controller.abort();
  };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => {
      received++;
      if (received === 1) stop(signal);
      else quit(QUIT_STATUS[signal]);
    };
    signals.on(signal, handler);
    return [signal, handler] as const;
  });
  const stopListeningToChildren = onChildStopSignal((role, signal) => stop(`${signal} reached ${role}`));
  return () => {
    for (const [signal, handler] of handlers) signals.off(signal, handler);
    stopListeningToChildren();
  };
}
