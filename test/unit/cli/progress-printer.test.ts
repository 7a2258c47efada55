import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createProgressPrinter, formatProgress } from '../../../src/cli/progress-printer.js';

describe('progress line', () => {
  const base = { elapsedUs: 3_000_000, totalUs: 20_000_000, sentPerSec: 2000, p99Us: 1_480, errors: 2, inFlight: 5, openConnections: 16 };

  it('shows elapsed of total, the last second rate and p99, errors, in flight and connections', () => {
    expect(formatProgress(base)).toBe('[3.0s / 20.0s] rate 2000/s  p99 1.48ms  errors 2  in flight 5  connections 16');
  });

  it('names the part of the run, the server side of WebSocket runs, and never shows more than the total', () => {
    expect(formatProgress({ ...base, label: 'websocket-ack', p99Us: undefined, elapsedUs: 25_000_000, serverConnections: 16 })).toBe(
      '[websocket-ack 20.0s / 20.0s] rate 2000/s  p99 -  errors 2  in flight 5  connections 16 (server 16)',
    );
  });

  it('ends each line with the live dashboard URL when one is served', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const printer = createProgressPrinter(stream as unknown as NodeJS.WriteStream, '  live http://127.0.0.1:5666/');
    printer.print({ ...base, label: 'webhook', p99Us: 12_500 });
    expect(written).toBe('[webhook 3.0s / 20.0s] rate 2000/s  p99 12.5ms  errors 2  in flight 5  connections 16  live http://127.0.0.1:5666/\n');
  });
});
