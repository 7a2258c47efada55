import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../../src/cli/progress-printer.js';

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
});
