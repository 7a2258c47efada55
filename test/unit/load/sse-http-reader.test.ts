import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpStreamReader } from '../../../src/load/sse/http-stream-reader.js';

function read(chunks: Buffer[], accept = true): { head?: [number, string]; text: string; ended: boolean; bad?: string } {
  const seen: { head?: [number, string]; text: string; ended: boolean; bad?: string } = { text: '', ended: false };
  const reader = new HttpStreamReader({
    onHead: (status, mediaType) => {
      seen.head = [status, mediaType];
      return accept;
    },
    onText: (text) => void (seen.text += text),
    onBodyEnd: () => void (seen.ended = true),
    onBadResponse: (reason) => void (seen.bad = reason),
  });
  for (const chunk of chunks) reader.push(chunk);
  return seen;
}

function cutEverywhere(whole: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % whole.length))].filter((cut) => cut > 0).sort((a, b) => a - b);
  return [0, ...points].map((from, index) => whole.subarray(from, points[index] ?? whole.length));
}

const BODY = 'id: 1\ndata: héllo → wörld 🎉\n\n';
const CHUNKED = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${Buffer.byteLength(BODY.slice(0, 10)).toString(16)}\r\n${BODY.slice(0, 10)}\r\n` +
    `${Buffer.byteLength(BODY.slice(10)).toString(16)};ext=1\r\n${BODY.slice(10)}\r\n0\r\n\r\n`,
);

describe('HttpStreamReader (one HTTP/1.1 response, read chunk by chunk)', () => {
  it('chunked: the same text and one end however the bytes are split (UTF-8 split inside a code point too)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 20 }), (cuts) => {
        const seen = read(cutEverywhere(CHUNKED, cuts));
        expect(seen).toEqual({ head: [200, 'text/event-stream'], text: BODY, ended: true });
      }),
      { numRuns: 300 },
    );
  });

  it('Content-Length and close-delimited bodies', () => {
    const body = Buffer.from(BODY);
    expect(read([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${body.length}\r\n\r\n`), body])).toEqual({
      head: [200, 'text/event-stream'],
      text: BODY,
      ended: true,
    });
    expect(read([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: a\n\n'), Buffer.from('data: b\n\n')])).toEqual({
      head: [200, 'text/event-stream'],
      text: 'data: a\n\ndata: b\n\n',
      ended: false,
    });
  });

  it('stops after a head the owner refuses, and names a response it cannot read', () => {
    expect(read([Buffer.from('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown')], false)).toEqual({ head: [503, ''], text: '', ended: false });
    expect(read([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')]).bad).toMatch(/^not an HTTP\/1\.1 status line/);
    expect(read([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')]).bad).toBe('bad chunk size "zz"');
    expect(read([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY')]).bad).toBe('chunk data not followed by CRLF');
    expect(read([Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(70_000)}`)]).bad).toBe('response head larger than 64 KiB');
  });
});
