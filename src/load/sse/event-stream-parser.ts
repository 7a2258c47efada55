/** Where a parser delivers what it read. */
export interface EventSink {
  /** A dispatched event: its type ("message" unless `event:` named one), data lines joined by \n, and the last event ID then. */
  onEvent(type: string, data: string, lastEventId: string): void;
  /** A `retry:` field of digits only: the reconnection time in ms. */
  onRetry(ms: number): void;
}

const LF = 10;
const CR = 13;
const BOM = 0xfeff;
const DIGITS = /^\d+$/;

/**
 * The WHATWG event-stream interpretation (HTML, 9.2.6), chunk by chunk: lines end in CRLF, LF or CR
 * (a CR at the end of a chunk may be the first half of a CRLF); `data` lines join with \n; `id`
 * sets the last event ID at once (also in a block with no data, and kept across events and
 * reconnects) unless it contains NUL; `retry` only when all digits; `:` lines are comments;
 * unknown fields are ignored; a blank line dispatches, but not with an empty data buffer.
 *
 * Why not eventsource-parser: it forgets the id at every blank line, so an id-only block never
 * becomes the last event ID, and an event without `id:` after one with it reports none. A browser
 * (and Last-Event-ID on reconnect) keeps it: test/unit/load/sse-parser.test.ts shows both.
 */
export class EventStreamParser {
  /** The last event ID string (survives reset(): it belongs to the stream, not one response). */
  lastEventId = '';
  private partial = '';
  private data = '';
  private dataLines = 0;
  private eventType = '';
  private skipLeadingLf = false;
  private atStart = true;

  /** Why feed() returned false, once it has: a line or an event's data outgrew `maxChars`. */
  overflow: 'line' | 'event' | undefined;

  constructor(
    private readonly sink: EventSink,
    /**
     * The most characters (UTF-16 code units: 1 MiB of ASCII at the default) a line may hold before
     * its line end, and an event's data (its data values joined by \n). One more makes feed() return
     * false, however the text was chunked: memory per stream stays bounded whatever the server sends.
     */
    private readonly maxChars = 1 << 20,
  ) {}

  /** Feeds decoded text; false once a line or an event's data outgrew the bound (`overflow` says which; the stream should be cut). */
  feed(chunk: string): boolean {
    if (this.overflow) return false;
    let start = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === BOM) start = 1;
    }
    if (this.skipLeadingLf && chunk.length > start) {
      this.skipLeadingLf = false;
      if (chunk.charCodeAt(start) === LF) start++;
    }
    const length = chunk.length;
    for (let i = start; i < length; i++) {
      const code = chunk.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      if (this.partial.length + i - start > this.maxChars) return this.overflowed('line');
      const line = this.partial === '' ? chunk.slice(start, i) : this.partial + chunk.slice(start, i);
      this.partial = '';
      this.line(line);
      if (this.overflow) return false;
      if (code === CR) {
        if (i + 1 < length) {
          if (chunk.charCodeAt(i + 1) === LF) i++;
        } else this.skipLeadingLf = true;
      }
      start = i + 1;
    }
    if (this.partial.length + length - start > this.maxChars) return this.overflowed('line');
    if (start < length) this.partial += chunk.slice(start);
    return true;
  }

  /** A new response: drops a half-read line or event (never dispatched) and any overflow, keeps the last event ID. */
  reset(): void {
    this.overflow = undefined;
    this.partial = '';
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
    this.skipLeadingLf = false;
    this.atStart = true;
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        if ((this.dataLines === 0 ? 0 : this.data.length + 1) + value.length > this.maxChars) {
          this.overflowed('event');
          return;
        }
        this.data = this.dataLines === 0 ? value : `${this.data}\n${value}`;
        this.dataLines++;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (DIGITS.test(value)) this.sink.onRetry(Number.parseInt(value, 10));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  /** Drops what was buffered (it will never be dispatched) and remembers why. */
  private overflowed(what: 'line' | 'event'): false {
    this.overflow = what;
    this.partial = '';
    this.data = '';
    this.dataLines = 0;
    return false;
  }

  private dispatch(): void {
    if (this.dataLines === 0) {
      this.eventType = '';
      return;
    }
    const data = this.data;
    const type = this.eventType === '' ? 'message' : this.eventType;
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
    this.sink.onEvent(type, data, this.lastEventId);
  }
}
