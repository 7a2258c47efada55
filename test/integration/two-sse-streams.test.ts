import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SseStreams } from '../../src/load/sse/sse-streams.js';
import { BUILTIN_PUSH, type SseStreamPlan } from '../../src/load/sse/stream-plan.js';
import { startRawServer, type TestServer } from '../helpers/servers.js';

/**
 * Two sets of SSE streams in one process, against one real HTTP server: a stream reaches its own
 * set through its `streams` field (no module-level state), so every count stays with the set whose
 * stream saw it.
 */

/** The sequence numbers the server writes each stream, by path: /b skips 3 (one gap per stream). */
const SEQS: Record<string, number[]> = { '/a': [1, 2, 3, 4], '/b': [1, 2, 4] };

const servers: TestServer[] = [];
const sets: SseStreams[] = [];
afterEach(async () => {
  for (const streams of sets.splice(0)) {
    streams.stopOpening();
    streams.destroyAll();
  }
  for (const server of servers.splice(0)) await server.close();
});

function wallUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

async function startSseServer(): Promise<{ port: number; requests: Record<string, number>; written: Record<string, number> }> {
  const requests: Record<string, number> = {};
  const written: Record<string, number> = {};
  const held: ServerResponse[] = [];
  const server = await startRawServer((request, response) => {
    const path = request.url ?? '/';
    requests[path] = (requests[path] ?? 0) + 1;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const seq of SEQS[path] ?? []) response.write(`id: ${seq}\ndata: ${JSON.stringify({ seq, sentAt: wallUs() })}\n\n`);
    written[path] = (written[path] ?? 0) + (SEQS[path]?.length ?? 0);
    held.push(response); // held open: the client ends it
  });
  servers.push(server);
  return { port: server.port, requests, written };
}

function planTo(target: string, connections: number): SseStreamPlan {
  return {
    targets: [target],
    firstConnection: 0,
    connections,
    connectRatePerSec: 1_000,
    maxConnectsInFlight: 50,
    connectTimeoutMs: 5_000,
    request: { method: 'GET', headers: {}, query: {}, seed: 1 },
    reconnect: { enabled: true, resume: true, retryUs: 100_000 },
    push: BUILTIN_PUSH,
  };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two sets of SSE streams in one process', () => {
  it('each set counts only what its own streams received: opens, events, pushes and gaps', async () => {
    const { port, requests, written } = await startSseServer();
    const a = new SseStreams(planTo(`http://127.0.0.1:${port}/a`, 3));
    const b = new SseStreams(planTo(`http://127.0.0.1:${port}/b`, 2));
    sets.push(a, b);
    await Promise.all([a.open(), b.open()]);
    const total = (streams: SseStreams, name: string): number => streams.measured.counters.total(name);
    await until(() => total(a, 'sse.push.received') + total(b, 'sse.push.received') === 3 * 4 + 2 * 3, 10_000, 'every event');
    expect(requests).toEqual({ '/a': 3, '/b': 2 });
    expect(written).toEqual({ '/a': 12, '/b': 6 });
    expect([total(a, 'sse.connections.opened'), total(b, 'sse.connections.opened')]).toEqual([3, 2]);
    expect([a.openCount(), b.openCount()]).toEqual([3, 2]);
    expect([total(a, 'sse.events.received'), total(b, 'sse.events.received')]).toEqual([12, 6]);
    expect([total(a, 'sse.push.received'), total(b, 'sse.push.received')]).toEqual([12, 6]);
    expect([a.measured.push.totalCount, b.measured.push.totalCount]).toEqual([12, 6]);
    expect([a.measured.firstEvent.totalCount, b.measured.firstEvent.totalCount]).toEqual([3, 2]);
    // /b skips seq 3 on each of its 2 streams; /a skips none.
    expect([total(a, 'sse.push.gaps'), total(b, 'sse.push.gaps')]).toEqual([0, 2]);
    // Ending one set leaves the other's streams open and its counters untouched.
    a.stopOpening();
    a.destroyAll();
    expect([a.openCount(), b.openCount()]).toEqual([0, 2]);
    expect(total(b, 'sse.connections.dropped')).toBe(0);
    expect(() => b.open()).toThrow('a set of streams opens once');
  });
});
