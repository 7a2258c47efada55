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

  constructor(
    private readonly sink: EventSink,
    /** A line or event larger than this (UTF-16 code units) makes feed() return false. */
    private readonly maxBufferChars = 1 << 20,
  ) {}

  /** Feeds decoded text; false when the buffered line or event outgrew the bound (the stream should be cut). */
  feed(chunk: string): boolean {
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
      const line = this.partial === '' ? chunk.slice(start, i) : this.partial + chunk.slice(start, i);
      this.partial = '';
      this.line(line);
      if (code === CR) {
        if (i + 1 < length) {
          if (chunk.charCodeAt(i + 1) === LF) i++;
        } else this.skipLeadingLf = true;
      }
      start = i + 1;
    }
    if (start < length) this.partial += chunk.slice(start);
    return this.partial.length + this.data.length <= this.maxBufferChars;
  }

  /** A new response: drops a half-read line or event (never dispatched), keeps the last event ID. */
  reset(): void {
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
