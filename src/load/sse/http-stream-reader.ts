import { StringDecoder } from 'node:string_decoder';

/** Who gets what a reader reads. */
export interface HttpStreamOwner {
  /** The response head: status and media type (lower case, no parameters). False stops reading. */
  onHead(status: number, mediaType: string): boolean;
  /** Decoded body text (UTF-8, split code points held back until complete). */
  onText(text: string): void;
  /** The body ended (Content-Length reached or the last chunk); the connection should be closed. */
  onBodyEnd(): void;
  /** The response could not be read (bad head, bad chunk framing, head too large). */
  onBadResponse(reason: string): void;
}

const CR = 13;
const LF = 10;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 4 * 1024;

const enum Mode {
  Head,
  /** No framing: the body runs until the connection closes. */
  UntilClose,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  Done,
}

/**
 * Reads one HTTP/1.1 response from a socket's chunks: the head (status line and the headers this
 * needs: Content-Type, Transfer-Encoding, Content-Length), then the body by its framing (chunked,
 * a length, or until close), decoded as UTF-8 and handed on as text. Written for many long-lived
 * streams: no buffer is kept once the head is read, beyond a partial chunk-size line.
 */
export class HttpStreamReader {
  private mode = Mode.Head;
  private pending: Buffer | undefined;
  private remaining = 0;
  private decoder: StringDecoder | undefined;

  constructor(private readonly owner: HttpStreamOwner) {}

  push(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (offset < data.length && this.mode !== Mode.Done) {
      switch (this.mode) {
        case Mode.Head: {
          const end = data.indexOf('\r\n\r\n', offset, 'latin1');
          if (end < 0) {
            if (data.length - offset > MAX_HEAD_BYTES) return this.bad('response head larger than 64 KiB');
            this.pending = data.subarray(offset);
            return;
          }
          if (!this.head(data.toString('latin1', offset, end))) return;
          offset = end + 4;
          break;
        }
        case Mode.UntilClose:
          this.text(data, offset, data.length);
          offset = data.length;
          break;
        case Mode.Length: {
          const take = Math.min(this.remaining, data.length - offset);
          this.text(data, offset, offset + take);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.end();
          break;
        }
        case Mode.ChunkSize:
        case Mode.Trailer: {
          const lineEnd = data.indexOf(LF, offset);
          if (lineEnd < 0) {
            if (data.length - offset > MAX_CHUNK_LINE_BYTES) return this.bad('chunk line larger than 4 KiB');
            this.pending = data.subarray(offset);
            return;
          }
          const line = data.toString('latin1', offset, lineEnd > offset && data[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd);
          offset = lineEnd + 1;
          if (this.mode === Mode.Trailer) {
            if (line === '') this.end();
            break;
          }
          const sizeText = line.split(';', 1)[0]!.trim();
          if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return this.bad(`bad chunk size "${line.slice(0, 20)}"`);
          const size = Number.parseInt(sizeText, 16);
          if (size === 0) this.mode = Mode.Trailer;
          else {
            this.remaining = size;
            this.mode = Mode.ChunkData;
          }
          break;
        }
        case Mode.ChunkData: {
          const take = Math.min(this.remaining, data.length - offset);
          this.text(data, offset, offset + take);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.mode = Mode.ChunkDataEnd;
            this.remaining = 2;
          }
          break;
        }
        case Mode.ChunkDataEnd: {
          // The CRLF after a chunk's data (possibly split across reads).
          const byte = data[offset]!;
          if ((this.remaining === 2 && byte !== CR) || (this.remaining === 1 && byte !== LF)) return this.bad('chunk data not followed by CRLF');
          offset++;
          if (--this.remaining === 0) this.mode = Mode.ChunkSize;
          break;
        }
        default:
          offset = data.length;
      }
    }
  }

  private head(text: string): boolean {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!status) {
      this.bad(`not an HTTP/1.1 status line: "${(lines[0] ?? '').slice(0, 40)}"`);
      return false;
    }
    let mediaType = '';
    let chunked = false;
    let length: number | undefined;
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-type') mediaType = value.split(';', 1)[0]!.trim().toLowerCase();
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((part) => part.trim()).includes('chunked');
      else if (name === 'content-length' && /^\d+$/.test(value)) length = Number(value);
    }
    this.mode = chunked ? Mode.ChunkSize : length !== undefined ? Mode.Length : Mode.UntilClose;
    this.remaining = chunked ? 0 : (length ?? 0);
    if (!this.owner.onHead(Number(status[1]), mediaType)) {
      this.mode = Mode.Done;
      return false;
    }
    this.decoder = new StringDecoder('utf8');
    if (this.mode === Mode.Length && this.remaining === 0) this.end();
    return true;
  }

  private text(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const text = this.decoder!.write(data.subarray(from, to));
    if (text.length > 0) this.owner.onText(text);
  }

  private end(): void {
    this.mode = Mode.Done;
    const rest = this.decoder?.end() ?? '';
    if (rest.length > 0) this.owner.onText(rest);
    this.owner.onBodyEnd();
  }

  private bad(reason: string): void {
    this.mode = Mode.Done;
    this.owner.onBadResponse(reason);
  }
}
