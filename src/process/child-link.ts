import type { ChildProcess } from 'node:child_process';
import { forkChild, waitForMessage } from './child-process.js';
import { isStopSignalMessage, reportChildStopSignal } from './stop-signals.js';

const EXIT_GRACE_MS = 2_000;

/**
 * The parent's side of one child process (built-in receiver, ws server, client shard, delivery
 * publisher or subscribers): requests with typed replies, unsolicited messages (ticks) passed to
 * `onMessage`, and crash detection — a child that exits before it was asked to finish is a crash
 * the run reports, never a hang. `finish` waits until the child is gone, killing it if it lingers.
 */
export class ChildLink {
  readonly pid: number;
  private readonly child: ChildProcess;
  private finishing = false;
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly role: string,
    entry: URL,
    onMessage?: (message: { type?: unknown }) => void,
  ) {
    this.child = forkChild(entry, [`--pushbench-role=${role}`]);
    this.pid = this.child.pid ?? 0;
    if (onMessage) this.child.on('message', onMessage);
    this.child.on('message', (message: unknown) => {
      if (isStopSignalMessage(message)) reportChildStopSignal(role, message.signal);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitDescription = signal ?? `code ${code}`;
        resolve();
      });
    });
  }

  /** Sends `message` without waiting for a reply. */
  send(message: object): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Waits for the child's next message of `type`; rejects if the child exits first or `timeoutMs` passes. */
  waitFor<T extends { type: string }>(type: T['type'], timeoutMs: number): Promise<T> {
    return waitForMessage<T>(this.child, type, timeoutMs);
  }

  /** Sends `message` and waits for the reply of type `replyType`; rejects if the child exits first. */
  request<T extends { type: string }>(message: object, replyType: T['type'], timeoutMs: number): Promise<T> {
    const reply = waitForMessage<T>(this.child, replyType, timeoutMs);
    if (this.child.connected) this.child.send(message);
    return reply;
  }

  /** Like `request`, for the last message: the child is expected to exit after replying, and is killed if it lingers. */
  async finish<T extends { type: string }>(message: object, replyType: T['type'], timeoutMs: number): Promise<T> {
    try {
      return await this.lastRequest<T>(message, replyType, timeoutMs);
    } finally {
      await this.ended();
    }
  }

  /**
   * The last request: its reply is final, and the child exits after it by itself (tearing down
   * what it holds), so an exit from then on is no crash. Wait for that with `ended()`.
   */
  lastRequest<T extends { type: string }>(message: object, replyType: T['type'], timeoutMs: number): Promise<T> {
    this.finishing = true;
    return this.request<T>(message, replyType, timeoutMs);
  }

  /** Resolves once the child has exited, killing it if it is still there after a short grace. */
  async ended(): Promise<void> {
    const killer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** How the child ended when nobody asked it to ("SIGKILL", "code 1"), or undefined while it behaves. */
  crash(): string | undefined {
    return this.finishing ? undefined : this.exitDescription;
  }

  /** Resolves when the child has exited on its own (a crash), for races against long waits. */
  whenExited(): Promise<void> {
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
