import type { Socket } from 'node:net';

/**
 * Counts the bytes both ways and the peak of open sockets over every TCP socket a receiving side
 * used (each counted once, however many requests it carried). Bytes are read from the socket's own
 * counters: HTTP headers and bodies, TCP/IP headers not.
 */
export class SocketMeter {
  private readonly open = new Set<Socket>();
  private closedBytes = 0;
  private peak = 0;

  get openSockets(): number {
    return this.open.size;
  }

  get peakSockets(): number {
    return this.peak;
  }

  track(socket: Socket): void {
    if (this.open.has(socket) || socket.destroyed) return;
    this.open.add(socket);
    if (this.open.size > this.peak) this.peak = this.open.size;
    socket.once('close', () => {
      if (!this.open.delete(socket)) return;
      this.closedBytes += socket.bytesWritten + socket.bytesRead;
    });
  }

  /** Bytes of every socket so far, open ones included. */
  bytesOnWire(): number {
    let bytes = this.closedBytes;
    for (const socket of this.open) bytes += socket.bytesWritten + socket.bytesRead;
    return bytes;
  }

  destroyAll(): void {
    for (const socket of this.open) {
      this.closedBytes += socket.bytesWritten + socket.bytesRead;
      socket.destroy();
    }
    this.open.clear();
  }
}
