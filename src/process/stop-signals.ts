import { EventEmitter } from 'node:events';

/** The signals that end a run early: Ctrl-C, and what Kubernetes, `docker stop` and `kill` send. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The message a child sends its parent when it got a stop signal. */
export interface StopSignalMessage {
  type: 'stop-signal';
  signal: StopSignal;
}

/**
 * For a child process (built-in server, client shard, delivery child): a SIGINT or SIGTERM does not
 * end it. A terminal's Ctrl-C, or a container runtime signalling the whole process group, reaches
 * the children too, and a child that died there would take its measurements with it. The child
 * tells the parent instead, which stops the run and asks every child for its numbers; the child
 * still exits when the parent goes away (IPC disconnect), so it never outlives the run.
 */
export function holdStopSignals(): void {
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (process.connected) process.send?.({ type: 'stop-signal', signal } satisfies StopSignalMessage);
    });
  }
}

const childSignals = new EventEmitter();

/** Called by the parent's side of a child link for each `stop-signal` message. */
export function reportChildStopSignal(role: string, signal: StopSignal): void {
  childSignals.emit('signal', role, signal);
}

/** Listens for stop signals that reached a child of this process. Returns the function that stops listening. */
export function onChildStopSignal(listener: (role: string, signal: StopSignal) => void): () => void {
  childSignals.on('signal', listener);
  return () => childSignals.off('signal', listener);
}

/** Whether an IPC message is a child's `stop-signal`. */
export function isStopSignalMessage(message: unknown): message is StopSignalMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop-signal';
}
