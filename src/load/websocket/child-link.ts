import type { ChildProcess } from 'node:child_process';
import { forkChild, waitForMessage } from '../../run/child-process.js';

/** Once-a-second report of a ws child (client shard or server): open connections, counter increments. */
export interface TickMessage {
  type: 'tick';
  open: number;
  /** Client shards: connects in flight. */
  connecting?: number;
  counters: Record<string, number>;
}

const EXIT_GRACE_MS = 2_000;

/**
 * The parent's side of one WebSocket child process (client shard or server): requests with typed
 * replies, ticks forwarded as they arrive, and crash detection — a child that exits before it was
 * asked to finish is a crash the run reports, never a hang.
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
    onTick: (tick: TickMessage) => void,
  ) {
    this.child = forkChild(entry, [`--pushbench-role=${role}`]);
    this.pid = this.child.pid ?? 0;
    this.child.on('message', (message: { type?: unknown }) => {
      if (message.type === 'tick') onTick(message as TickMessage);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitDescription = signal ?? `code ${code}`;
        resolve();
      });
    });
  }

  /** Sends `message` and waits for the reply of type `replyType`; rejects if the child exits first. */
  request<T extends { type: string }>(message: object, replyType: T['type'], timeoutMs: number): Promise<T> {
    const reply = waitForMessage<T>(this.child, replyType, timeoutMs);
    if (this.child.connected) this.child.send(message);
    return reply;
  }

  /** Like `request`, for the last message: the child is expected to exit after replying, and is killed if it lingers. */
  async finish<T extends { type: string }>(message: object, replyType: T['type'], timeoutMs: number): Promise<T> {
    this.finishing = true;
    try {
      return await this.request<T>(message, replyType, timeoutMs);
    } finally {
      const killer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(killer);
    }
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
