import { describe, expect, it } from 'vitest';
import { ProtocolError, ResponseParser } from '../../../src/load/webhook/response-parser.js';

/** Feeds `text` split at every given offset and returns what the parser produced. */
function feedInPieces(text: string, cuts: number[]): ReturnType<ResponseParser['feed']> {
  const parser = new ResponseParser();
  const bytes = Buffer.from(text, 'latin1');
  let last: ReturnType<ResponseParser['feed']>;
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    last = parser.feed(bytes.subarray(from, cut)) ?? last;
    from = cut;
  }
  return last;
}

describe('ResponseParser', () => {
  it('reads a content-length response in one piece and byte by byte', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n\r\nhello';
    expect(feedInPieces(text, [])).toEqual({ status: 200, keepAlive: true, retryAfterSec: undefined });
    const everyByte = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    expect(feedInPieces(text, everyByte)?.status).toBe(200);
  });

  it('reads chunked bodies with extensions and trailers split anywhere (a 4xx/5xx keeps the first bytes of its body, without the chunk framing)', () => {
    const text = 'HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n4;x=y\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (const cut of [10, 60, 70, 75, 80, text.length - 3]) {
      expect(feedInPieces(text, [cut])).toEqual({ status: 503, keepAlive: true, retryAfterSec: 7, bodyHead: 'abcdefg' });
    }
  });

  it('skips 1xx interim responses and honours Connection: close and HTTP/1.0', () => {
    expect(feedInPieces('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n', [])).toEqual({
      status: 204,
      keepAlive: false,
      retryAfterSec: undefined,
    });
    expect(feedInPieces('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', [])?.keepAlive).toBe(false);
  });

  it('completes a close-delimited body only when the stream ends', () => {
    const parser = new ResponseParser();
    expect(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\npartial body'))).toBeUndefined();
    expect(parser.midResponse).toBe(true);
    expect(parser.finishOnClose()).toEqual({ status: 200, keepAlive: false, retryAfterSec: undefined });
  });

  it('throws ProtocolError on garbage, a bad status, bad framing and extra bytes', () => {
    const bad = [
      '\x00\x01 this is not http\r\n\r\n',
      'HTTP/1.1 abc OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA',
    ];
    for (const text of bad) expect(() => new ResponseParser().feed(Buffer.from(text, 'latin1'))).toThrow(ProtocolError);
  });

  it('refuses a head that never ends past 64 KiB', () => {
    const parser = new ResponseParser();
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n'));
    expect(() => parser.feed(Buffer.alloc(70 * 1024, 'a'))).toThrow(ProtocolError);
  });
});
