import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventStreamParser } from '../../../src/load/sse/event-stream-parser.js';

interface Seen {
  events: Array<{ type: string; data: string; id: string }>;
  retries: number[];
}

function parseChunks(chunks: string[]): Seen & { lastEventId: string } {
  const seen: Seen = { events: [], retries: [] };
  const parser = new EventStreamParser({
    onEvent: (type, data, id) => void seen.events.push({ type, data, id }),
    onRetry: (ms) => void seen.retries.push(ms),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { ...seen, lastEventId: parser.lastEventId };
}

/** Every corner of the format in one stream; what a browser's EventSource dispatches is spelled out below it. */
const ODD_STREAM = [
  '\uFEFF: a comment first, after a BOM\r',
  'retry: 1500\r',
  'retry: 2s\r', // not digits only: ignored
  'data: first\r',
  'data:  second line keeps its extra space\r',
  'data\r', // a field with no colon: an empty data line
  '\r',
  'id: 7\r',
  '\r', // an id-only block: nothing dispatched, but the last event ID is now 7
  'event: tick\r\n',
  'data: {"seq":8}\n',
  'unknown: ignored\n',
  ':another comment\n',
  '\n',
  'data: no id here keeps 7\r\n\r\n',
  'id: bad\0id\n', // contains NUL: ignored
  'data: still 7\n\n',
  'event: ignored because\n',
  '\n', // no data: nothing dispatched, and the event type does not leak into the next event
  'data:\n\n', // one empty data line: dispatched with empty data
  'id\n', // an empty id resets the last event ID
  'data: after reset\n\n',
  'data: cut off without a blank line',
].join('');

const BROWSER_EVENTS = [
  { type: 'message', data: 'first\n second line keeps its extra space\n', id: '' },
  { type: 'tick', data: '{"seq":8}', id: '7' },
  { type: 'message', data: 'no id here keeps 7', id: '7' },
  { type: 'message', data: 'still 7', id: '7' },
  { type: 'message', data: '', id: '7' },
  { type: 'message', data: 'after reset', id: '' },
];

describe('EventStreamParser (WHATWG event-stream rules)', () => {
  it('a stream with every odd corner yields exactly the events a browser dispatches', () => {
    const whole = parseChunks([ODD_STREAM]);
    expect(whole.events).toEqual(BROWSER_EVENTS);
    expect(whole.retries).toEqual([1500]);
    expect(whole.lastEventId).toBe('');
  });

  it('gives the same events however the stream is cut into chunks (CRLF split across chunks included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: ODD_STREAM.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, index) => ODD_STREAM.slice(from, points[index] ?? ODD_STREAM.length));
        const seen = parseChunks(chunks);
        expect(seen.events).toEqual(BROWSER_EVENTS);
        expect(seen.retries).toEqual([1500]);
      }),
      { numRuns: 300 },
    );
  });

  it('CR-only line ends: a lone CR ends a line even when the next chunk starts with data', () => {
    expect(parseChunks(['data: a\r', '\r', 'data: b\r\r']).events.map((event) => event.data)).toEqual(['a', 'b']);
    expect(parseChunks(['data: a\r', '\ndata: b\r\n\r\n']).events.map((event) => event.data)).toEqual(['a\nb']);
  });

  it('keeps the last event ID across reset() (a reconnect) and drops the half-read event', () => {
    const seen: string[] = [];
    const parser = new EventStreamParser({ onEvent: (_type, data, id) => void seen.push(`${id}:${data}`), onRetry: () => {} });
    parser.feed('id: 41\ndata: one\n\ndata: half');
    parser.reset();
    parser.feed('data: two\n\n');
    expect(seen).toEqual(['41:one', '41:two']);
    expect(parser.lastEventId).toBe('41');
  });

  describe('the bound on a line and on an event\'s data (maxChars; 1 Mi characters by default)', () => {
    /** Feeds `chunks` to a parser bounded at `maxChars`: what each feed() returned, the events' data, and the overflow. */
    function bounded(chunks: string[], maxChars?: number): { fed: boolean[]; data: string[]; overflow: string | undefined } {
      const data: string[] = [];
      const parser = new EventStreamParser({ onEvent: (_type, text) => void data.push(text), onRetry: () => {} }, maxChars);
      const fed = chunks.map((chunk) => parser.feed(chunk));
      return { fed, data, overflow: parser.overflow };
    }
    /** A `data:` line of exactly `chars` characters (its line end not counted). */
    const dataLine = (chars: number): string => `data:${'x'.repeat(chars - 5)}`;

    it('the default: a line of exactly 1,048,576 characters is read; one more character fails it', () => {
      const limit = 1 << 20;
      expect(bounded([`${dataLine(limit)}\n\n`])).toEqual({ fed: [true], data: ['x'.repeat(limit - 5)], overflow: undefined });
      expect(bounded([`${dataLine(limit + 1)}\n\n`])).toEqual({ fed: [false], data: [], overflow: 'line' });
      // CRLF and CR line ends are not part of the line.
      expect(bounded([`${dataLine(limit)}\r\n\r\n`]).data).toHaveLength(1);
      expect(bounded([`${dataLine(limit)}\r\r`]).data).toHaveLength(1);
    });

    it('a line with no line end: exactly the limit is still being read, one more character fails it', () => {
      expect(bounded([dataLine(16)], 16)).toEqual({ fed: [true], data: [], overflow: undefined });
      expect(bounded([dataLine(16), 'x'], 16)).toEqual({ fed: [true, false], data: [], overflow: 'line' });
      expect(bounded([dataLine(16), '\n\n'], 16)).toEqual({ fed: [true, true], data: ['x'.repeat(11)], overflow: undefined });
    });

    it("an event's data: lines under the limit that join (with \\n) to exactly the limit are dispatched, one more character fails", () => {
      // 'data:' + 7 + '\n' + 'data:' + 8 -> data of 7 + 1 + 8 = 16 characters.
      const atLimit = `data:${'a'.repeat(7)}\ndata:${'b'.repeat(8)}\n\n`;
      expect(bounded([atLimit], 16)).toEqual({ fed: [true], data: [`${'a'.repeat(7)}\n${'b'.repeat(8)}`], overflow: undefined });
      expect(bounded([atLimit.replace('bbbbbbbb', 'bbbbbbbbb')], 16)).toEqual({ fed: [false], data: [], overflow: 'event' });
      // An endless event of short lines, never ended by a blank line, is bounded too.
      expect(bounded(Array.from({ length: 6 }, () => 'data: abc\n'), 16).overflow).toBe('event');
    });

    it('the same verdict however the text is chunked', () => {
      const limit = 32;
      const atLimit = `${dataLine(limit)}\r\n\r\n`;
      const overLimit = `${dataLine(limit + 1)}\r\n\r\n`;
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: atLimit.length }), { maxLength: 8 }), (cuts) => {
          const split = (text: string): string[] => {
            const points = [...new Set(cuts)].filter((point) => point < text.length).sort((a, b) => a - b);
            return [0, ...points].map((from, index) => text.slice(from, points[index] ?? text.length));
          };
          const passed = bounded(split(atLimit), limit);
          expect(passed.fed.every(Boolean)).toBe(true);
          expect(passed.data).toEqual(['x'.repeat(limit - 5)]);
          const failed = bounded(split(overLimit), limit);
          expect(failed.fed.at(-1)).toBe(false);
          expect(failed.data).toEqual([]);
          expect(failed.overflow).toBe('line');
        }),
        { numRuns: 200, seed: 21 },
      );
    });

    it('stays failed until reset() (a new response), which clears the overflow', () => {
      const data: string[] = [];
      const parser = new EventStreamParser({ onEvent: (_type, text) => void data.push(text), onRetry: () => {} }, 16);
      expect(parser.feed(dataLine(17))).toBe(false);
      expect(parser.feed('\n\ndata: ok\n\n')).toBe(false);
      expect(parser.overflow).toBe('line');
      parser.reset();
      expect(parser.overflow).toBeUndefined();
      expect(parser.feed('data: ok\n\n')).toBe(true);
      expect(data).toEqual(['ok']);
    });
  });

  it('why not eventsource-parser: it loses an id-only block and the id of later events without `id:`', () => {
    const ids: Array<string | undefined> = [];
    const parser = createParser({ onEvent: (event) => void ids.push(event.id) });
    parser.feed('id: 7\n\ndata: a\n\nid: 8\ndata: b\n\ndata: c\n\n');
    expect(ids).toEqual([undefined, '8', undefined]);
    expect(parseChunks(['id: 7\n\ndata: a\n\nid: 8\ndata: b\n\ndata: c\n\n']).events.map((event) => event.id)).toEqual(['7', '8', '8']);
  });
});
