import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { conversationSpecOf, type ConversationSpec } from '../../src/load/websocket/conversation-spec.js';
import { broadcastPayload } from '../../src/load/websocket/frames.js';
import { Swarm } from '../../src/load/websocket/swarm.js';
import { nowUs } from '../../src/metrics/clock.js';
import { scenarioFrom } from '../helpers/scenarios.js';

/**
 * Two swarms (and two conversations) in one process, against one real ws server: the handlers are
 * module-level functions that reach their own swarm and conversation through the socket, so every
 * count stays with the swarm whose connection saw it.
 */

/** Push sequence numbers the server sends each conversation connection after its welcome, by path. */
const PUSH_SEQS: Record<string, number[]> = { '/b': [1, 2], '/c': [1, 2, 4] };
const BUILTIN_BROADCASTS = 3;

interface ServerCounts {
  upgrades: Record<string, number>;
  hellos: Record<string, number>;
  pushesSent: Record<string, number>;
  broadcastsSent: number;
}

const servers: WebSocketServer[] = [];
const swarms: Swarm[] = [];
afterEach(async () => {
  for (const swarm of swarms.splice(0)) {
    swarm.conversation?.stop();
    swarm.stopConnecting();
    swarm.terminateAll();
  }
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startServer(): Promise<{ port: number; counts: ServerCounts }> {
  const counts: ServerCounts = { upgrades: {}, hellos: {}, pushesSent: {}, broadcastsSent: 0 };
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket: ServerSocket, request: IncomingMessage) => {
    const path = request.url ?? '/';
    counts.upgrades[path] = (counts.upgrades[path] ?? 0) + 1;
    if (path === '/a') {
      for (let k = 0; k < BUILTIN_BROADCASTS; k++) socket.send(broadcastPayload(64, k, nowUs()));
      counts.broadcastsSent += BUILTIN_BROADCASTS;
      return;
    }
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type?: string };
      if (message.type !== 'hello') return;
      counts.hellos[path] = (counts.hellos[path] ?? 0) + 1;
      socket.send(JSON.stringify({ type: 'welcome' }));
      for (const seq of PUSH_SEQS[path]!) socket.send(JSON.stringify({ type: 'tick', seq, sentAt: Date.now() }));
      counts.pushesSent[path] = (counts.pushesSent[path] ?? 0) + PUSH_SEQS[path]!.length;
    });
  });
  return { port: (server.address() as { port: number }).port, counts };
}

function conversationTo(url: string, connections: number): ConversationSpec {
  const { config } = scenarioFrom(`
name: two-swarms
websocket:
  target: ${url}
  protocol: raw
  connections: ${connections}
  hold: 1s
  onOpen:
    - send: { type: hello, conn: "{{conn}}" }
    - expect: { match: { type: welcome }, timeout: 2s }
  push: { match: { type: tick }, sentAt: sentAt, sentAtUnit: ms, seq: seq }
`);
  return conversationSpecOf(config.websocket!, config.seed)!;
}

function swarmTo(url: string, connections: number, conversation: ConversationSpec | undefined): Swarm {
  const swarm = new Swarm({
    targets: [url],
    firstConnection: 0,
    connections,
    connectRatePerSec: 1_000,
    maxConnectsInFlight: 16,
    connectTimeoutMs: 5_000,
    ...(conversation ? { conversation } : {}),
  });
  swarms.push(swarm);
  return swarm;
}

/** `promise`, or a rejection after `timeoutMs` (a ramp that never settles fails the test instead of hanging it). */
function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `done()` holds (checked every 5 ms), or rejects after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the swarms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('two swarms in one process', () => {
  it('keep their connections, conversations, counters and histograms apart', async () => {
    const { port, counts } = await startServer();
    const base = `ws://127.0.0.1:${port}`;
    const a = swarmTo(`${base}/a`, 3, undefined);
    const b = swarmTo(`${base}/b`, 4, conversationTo(`${base}/b`, 4));
    const c = swarmTo(`${base}/c`, 2, conversationTo(`${base}/c`, 2));
    await within(Promise.all([a.rampUp(), b.rampUp(), c.rampUp()]), 10_000, 'the three ramps');

    const pushes = (swarm: Swarm): number => swarm.measured.counters.total('ws.push.received');
    // Waits for the sums over all swarms, so a count that went to the wrong swarm shows in the exact checks below.
    const broadcasts = (swarm: Swarm): number => swarm.measured.counters.total('ws.broadcast.received');
    await until(() => broadcasts(a) + broadcasts(b) + broadcasts(c) >= 3 * BUILTIN_BROADCASTS && pushes(a) + pushes(b) + pushes(c) >= 4 * 2 + 2 * 3, 10_000);

    // The server's own counts: what each swarm should have seen.
    expect(counts.upgrades).toEqual({ '/a': 3, '/b': 4, '/c': 2 });
    expect(counts.hellos).toEqual({ '/b': 4, '/c': 2 });
    expect(counts.pushesSent).toEqual({ '/b': 8, '/c': 6 });
    expect(counts.broadcastsSent).toBe(9);

    expect([a.open.size, b.open.size, c.open.size]).toEqual([3, 4, 2]);
    const total = (swarm: Swarm, name: string): number => swarm.measured.counters.total(name);
    expect([total(a, 'ws.connections.opened'), total(b, 'ws.connections.opened'), total(c, 'ws.connections.opened')]).toEqual([3, 4, 2]);
    // Built-in broadcasts: 9 frames, all to a; b and c saw none.
    expect([total(a, 'ws.broadcast.received'), total(b, 'ws.broadcast.received'), total(c, 'ws.broadcast.received')]).toEqual([9, 0, 0]);
    expect(a.measured.broadcast.totalCount).toBe(9);
    expect([...a.measured.broadcastLastUs.keys()].sort()).toEqual([0, 1, 2]);
    expect([b.measured.broadcastLastUs.size, c.measured.broadcastLastUs.size]).toEqual([0, 0]);
    // Messages: a 9 binary frames; b per connection a welcome and 2 ticks; c a welcome and 3 ticks.
    expect([total(a, 'ws.messages.received'), total(b, 'ws.messages.received'), total(c, 'ws.messages.received')]).toEqual([9, 4 * 3, 2 * 4]);
    // Pushes and their sequencing, per conversation: c skips 3 on each of its 2 connections.
    expect([pushes(a), pushes(b), pushes(c)]).toEqual([0, 8, 6]);
    expect([total(b, 'ws.push.gaps'), total(c, 'ws.push.gaps')]).toEqual([0, 2]);
    expect(a.conversation).toBeUndefined();
    expect(b.conversation!.measured.push.totalCount).toBe(8);
    expect(c.conversation!.measured.push.totalCount).toBe(6);
    // One handshake (upgrade to the welcome) per held connection of each conversation.
    expect(b.conversation!.measured.handshake.totalCount).toBe(4);
    expect(c.conversation!.measured.handshake.totalCount).toBe(2);
    expect([total(b, 'ws.connections.failed.handshake'), total(c, 'ws.connections.failed.handshake')]).toEqual([0, 0]);
    expect([b.measured.causes.toJSON(), c.measured.causes.toJSON()]).toEqual([{}, {}]);
  });

  it('a second ramp of the same swarm is refused, and a new swarm in the same process starts from zero', async () => {
    const { port, counts } = await startServer();
    const first = swarmTo(`ws://127.0.0.1:${port}/a`, 2, undefined);
    await within(first.rampUp(), 10_000, 'the first ramp');
    expect(() => first.rampUp()).toThrow('a swarm ramps up once');
    first.stopConnecting();
    first.terminateAll();
    const second = swarmTo(`ws://127.0.0.1:${port}/a`, 1, undefined);
    await within(second.rampUp(), 10_000, 'the second ramp');
    await until(() => second.measured.counters.total('ws.broadcast.received') === BUILTIN_BROADCASTS, 10_000);
    expect(counts.upgrades['/a']).toBe(3);
    expect(second.measured.counters.total('ws.connections.opened')).toBe(1);
    expect(first.measured.counters.total('ws.connections.opened')).toBe(2);
    // The first swarm's teardown (after stopConnecting) counts no drops, and nothing of the second's.
    expect(first.measured.counters.takeDelta()['ws.connections.dropped.1006']).toBeUndefined();
    expect(second.measured.broadcast.totalCount).toBe(BUILTIN_BROADCASTS);
  });
});
