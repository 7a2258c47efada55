/** What the sender needs to know of one HTTP/1.1 response. */
export interface ParsedResponse {
  status: number;
  /** False when the server asked to close the connection, or the body ran to the end of the stream. */
  keepAlive: boolean;
  /** Seconds from a Retry-After header (delta-seconds form only); undefined when absent. */
  retryAfterSec: number | undefined;
  /** 4xx/5xx: the first BODY_HEAD_BYTES of the body (latin1: bytes as they came), for the failure's cause. */
  bodyHead?: string;
}

export const BODY_HEAD_BYTES = 200;

/** The bytes from the target are not HTTP/1.1 (garbage, truncated framing, oversized head). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 1024;

const enum State {
  Head,
  BodyLength,
  ChunkSize,
  ChunkData,
  Trailer,
  BodyUntilClose,
}

/**
 * An incremental parser for the responses to one connection's requests, one at a time (no
 * pipelining). It reads only what a load generator needs (status, framing, Retry-After) and skips
 * bodies without copying them.
 */
export class ResponseParser {
  private state = State.Head;
  private head: Buffer | null = null;
  private line = '';
  private remaining = 0;
  private response: ParsedResponse = { status: 0, keepAlive: true, retryAfterSec: undefined };

  /** True when part of a response has arrived and the rest has not. */
  get midResponse(): boolean {
    return this.state !== State.Head || this.head !== null;
  }

  /**
   * Feeds bytes from the socket. Returns the response once it is complete, undefined while more is
   * needed; throws ProtocolError on anything that is not a well-framed HTTP/1.1 response.
   */
  feed(chunk: Buffer): ParsedResponse | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.state) {
        case State.Head: {
          const previous = this.head ? this.head.length : 0;
          const buffer = this.head ? Buffer.concat([this.head, chunk.subarray(offset)]) : chunk.subarray(offset);
          const end = buffer.indexOf(HEAD_END);
          if (end < 0) {
            if (buffer.length > MAX_HEAD_BYTES) throw new ProtocolError('response head larger than 64 KiB');
            this.head = Buffer.from(buffer);
            return undefined;
          }
          offset += end + 4 - previous;
          this.head = null;
          if (this.parseHead(buffer.toString('latin1', 0, end))) break;
          return this.complete(offset, chunk.length);
        }
        case State.BodyLength: {
          const take = Math.min(this.remaining, chunk.length - offset);
          if (this.response.bodyHead !== undefined) this.keepBodyHead(chunk, offset, take);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) return this.complete(offset, chunk.length);
          break;
        }
        case State.ChunkSize:
        case State.Trailer: {
          const newline = chunk.indexOf(10, offset);
          const end = newline < 0 ? chunk.length : newline;
          this.line += chunk.toString('latin1', offset, end);
          if (this.line.length > MAX_CHUNK_LINE_BYTES) throw new ProtocolError('chunk-size line too long');
          offset = newline < 0 ? chunk.length : newline + 1;
          if (newline < 0) break;
          const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
          this.line = '';
          if (this.state === State.Trailer) {
            if (line === '') return this.complete(offset, chunk.length);
            break;
          }
          const size = Number.parseInt(line.split(';')[0] ?? '', 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line)) throw new ProtocolError(`bad chunk size "${line.slice(0, 20)}"`);
          if (size === 0) this.state = State.Trailer;
          else {
            this.state = State.ChunkData;
            this.remaining = size + 2;
          }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, chunk.length - offset);
          if (this.response.bodyHead !== undefined) this.keepBodyHead(chunk, offset, Math.min(take, Math.max(0, this.remaining - 2)));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.BodyUntilClose:
          return undefined;
      }
    }
    return undefined;
  }

  /** The peer closed the stream: completes a body that runs until close, otherwise undefined. */
  finishOnClose(): ParsedResponse | undefined {
    if (this.state !== State.BodyUntilClose) return undefined;
    this.state = State.Head;
    return this.response;
  }

  /** Parses the status line and headers; returns true when a body follows. */
  private parseHead(head: string): boolean {
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32) {
      throw new ProtocolError(`not an HTTP/1.x response: "${printable(head.slice(0, 40))}"`);
    }
    const status = Number(head.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new ProtocolError(`bad status "${printable(head.slice(9, 12))}"`);
    // Header lookups by search on the lower-cased head: a load generator reads four headers, and
    // splitting every line of every response costs more than the request it measures.
    const lower = head.toLowerCase();
    const lengthText = headerValue(lower, 'content-length');
    let contentLength = -1;
    if (lengthText !== undefined) {
      contentLength = Number(lengthText);
      if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new ProtocolError(`bad content-length "${printable(lengthText)}"`);
    }
    const chunked = headerValue(lower, 'transfer-encoding')?.includes('chunked') ?? false;
    const connection = headerValue(lower, 'connection');
    const http10 = head.charCodeAt(7) === 48;
    const keepAlive = connection === undefined ? !http10 : !connection.includes('close') && (!http10 || connection.includes('keep-alive'));
    const retryAfterText = headerValue(lower, 'retry-after');
    const retryAfterSec = retryAfterText !== undefined && /^\d+$/.test(retryAfterText) ? Number(retryAfterText) : undefined;
    if (status < 200) return true; // 1xx: an interim response, the real one follows
    this.response = status >= 400 ? { status, keepAlive, retryAfterSec, bodyHead: '' } : { status, keepAlive, retryAfterSec };
    if (status === 204 || status === 304) return false;
    if (chunked) {
      this.state = State.ChunkSize;
      return true;
    }
    if (contentLength >= 0) {
      if (contentLength === 0) return false;
      this.state = State.BodyLength;
      this.remaining = contentLength;
      return true;
    }
    this.response.keepAlive = false;
    this.state = State.BodyUntilClose;
    return true;
  }

  private keepBodyHead(chunk: Buffer, offset: number, take: number): void {
    const room = BODY_HEAD_BYTES - this.response.bodyHead!.length;
    if (room > 0 && take > 0) this.response.bodyHead += chunk.toString('latin1', offset, offset + Math.min(room, take));
  }

  private complete(offset: number, length: number): ParsedResponse {
    if (offset < length) throw new ProtocolError('bytes after the end of a response (the target sent more than it framed)');
    this.state = State.Head;
    return this.response;
  }
}

/** The value of header `name` (lower case) in a lower-cased response head, trimmed; undefined when absent. */
function headerValue(lowerHead: string, name: string): string | undefined {
  const at = lowerHead.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const start = at + name.length + 3;
  const end = lowerHead.indexOf('\r\n', start);
  return lowerHead.slice(start, end < 0 ? undefined : end).trim();
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
