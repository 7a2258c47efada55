import { EventEmitter, on } from 'node:events';
import { createServer } from 'node:http';
// The CommonJS build, as graphql-ws gets it from Node (vite would pick index.mjs: two graphql instances).
import { buildSchema } from 'graphql/index.js';
import { useServer } from 'graphql-ws/use/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { eventually } from '../helpers/processes.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

const schema = buildSchema(`
  input ObjInput { name: String!, tags: [String!]! }
  type Obj { name: String!, tags: [String!]! }
  type Event { kind: String!, seq: Int!, sentAt: Float!, topic: String!, n: Int!, ratio: Float!, flag: Boolean!, none: String, list: [Int!]!, obj: Obj! }
  type Query { ok: Boolean }
  type Subscription {
    events(topic: String!, n: Int!, ratio: Float!, flag: Boolean!, none: String, list: [Int!]!, obj: ObjInput!): Event!
  }
`);

/** Exactly the value types the scenario's `initPayload` and `variables` below must arrive as. */
const EXPECTED_INIT = { conn: 'any', n: 42, ratio: 0.5, ok: true, none: null, list: [1, 'two', false], obj: { nested: { deep: 'x' } } };
const EXPECTED_VARIABLES = { n: 7, ratio: 1.5, flag: true, none: null, list: [1, 2], obj: { name: 'o', tags: ['a', 'b'] } };

/**
 * The graphql-ws server as its docs show first (`useServer({ schema }, wss)`), a subscription that is
 * an async generator the test drives through an EventEmitter. The subscriber of topic t-2 is
 * completed by the server after its first event; the one of t-4 gets an error after its first event,
 * the one of e-1 an error instead of its first event; connection 3 is refused at connection_init.
 */
async function startGraphqlServer(token: string) {
  const counts = { inits: 0, refused: 0, typesOk: 0, started: 0, nexts: 0, tickNexts: 0, completed: 0, errors: 0, pings: 0, pongs: 0 };
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const roots = {
    subscription: {
      events: async function* (args: Record<string, unknown>) {
        counts.started++;
        const { topic, ...rest } = args;
        if (JSON.stringify(rest) === JSON.stringify(EXPECTED_VARIABLES) && typeof topic === 'string') counts.typesOk++;
        let sent = 0;
        for await (const [event] of on(bus, 'event')) {
          if (topic === 'e-1') {
            counts.errors++;
            throw new Error('no events for e-1');
          }
          yield { events: { ...rest, ...(event as object), topic, sentAt: Date.now() } };
          sent++;
          if (topic === 't-2' && sent === 1) {
            counts.completed++;
            return;
          }
          if (topic === 't-4' && sent === 1) {
            counts.errors++;
            throw new Error('boom for t-4');
          }
        }
      },
    },
  };
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  useServer(
    {
      schema,
      roots,
      onConnect: (ctx) => {
        counts.inits++;
        const { token: sentToken, conn, ...rest } = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const { conn: _any, ...expected } = EXPECTED_INIT;
        if (sentToken !== token || conn === '3' || JSON.stringify(rest) !== JSON.stringify(expected)) {
          counts.refused++;
          return false;
        }
        return true;
      },
      onSubscribe: (ctx) => {
        counts.pings++;
        void ctx.extra.socket.send(JSON.stringify({ type: 'ping' }));
      },
      onPong: () => {
        counts.pongs++;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        counts.nexts++;
        if ((result as { data?: { events?: { kind?: string } } }).data?.events?.kind === 'tick') counts.tickNexts++;
      },
    },
    wss,
  );
  const port = await new Promise<number>((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
  closers.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
  });
  return { port, counts, bus };
}

describe('graphql-ws against the real graphql-ws server', () => {
  it('connection_init with a templated payload, a templated subscription, next as pushes, ping/pong, complete and error; counts equal the server\'s', async () => {
    process.env.PB_GQL_TOKEN = 'gql-sekret-99';
    const server = await startGraphqlServer('gql-sekret-99');
    const TICKS = 5;
    const publishing = (async () => {
      // Publish only once every accepted connection's subscription runs at the server (the protocol has no subscribe ack).
      if (!(await eventually(() => server.counts.started === 5, 10_000))) throw new Error(`only ${server.counts.started} subscriptions started`);
      for (let seq = 0; seq < TICKS; seq++) {
        server.bus.emit('event', { kind: 'tick', seq, text: `tick ${seq}` });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      server.bus.emit('event', { kind: 'noise', seq: TICKS, text: 'not a tick' });
    })();
    const result = await runScenario(
      scenarioFrom(`
name: graphql-ws-real
websocket:
  target: ws://127.0.0.1:${server.port}/graphql
  protocol: graphql-ws
  connect:
    initPayload: { token: "{{env.PB_GQL_TOKEN}}", conn: "{{conn}}", n: 42, ratio: 0.5, ok: true, none: null, list: [1, two, false], obj: { nested: { deep: x } } }
  connections: 6
  connectRate: 200
  hold: 1500ms
  onOpen:
    - subscribe:
        query: |
          subscription Events($topic: String!, $n: Int!, $ratio: Float!, $flag: Boolean!, $none: String, $list: [Int!]!, $obj: ObjInput!) {
            events(topic: $topic, n: $n, ratio: $ratio, flag: $flag, none: $none, list: $list, obj: $obj) {
              kind seq sentAt topic n ratio flag none list obj { name tags }
            }
          }
        variables: { topic: "t-{{conn}}", n: 7, ratio: 1.5, flag: true, none: null, list: [1, 2], obj: { name: o, tags: [a, b] } }
  push:
    match: { events: { kind: tick, n: 7, ratio: 1.5, flag: true, none: null, list: [1, 2], obj: { name: o, tags: [a, b] } } }
    sentAt: events.sentAt
    seq: events.seq
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(counters['ws.connections.opened']).toBe(6);
    expect(server.counts.inits).toBe(6);
    expect(server.counts.refused).toBe(1);
    expect(counters['ws.connections.failed.handshake']).toBe(server.counts.refused);
    expect(server.counts.started).toBe(5);
    expect(server.counts.typesOk).toBe(5);
    expect(metrics['ws.handshake']?.count).toBe(server.counts.started);
    expect(server.counts.pings).toBe(5);
    expect(server.counts.pongs).toBe(server.counts.pings);
    // Three subscribers see every event; t-2 and t-4 only the first.
    expect(server.counts.nexts).toBe(3 * (TICKS + 1) + 2);
    expect(server.counts.tickNexts).toBe(3 * TICKS + 2);
    expect(counters['ws.push.received']).toBe(server.counts.tickNexts);
    expect(metrics['ws.push']?.count).toBe(server.counts.tickNexts);
    expect(counters['ws.push.noTimestamp'] ?? 0).toBe(0);
    expect(counters['ws.push.gaps'] ?? 0).toBe(0);
    expect(counters['ws.push.duplicates'] ?? 0).toBe(0);
    expect(counters['ws.subscriptions.completed']).toBe(server.counts.completed);
    expect(server.counts.completed).toBe(1);
    expect(counters['ws.subscriptions.errors']).toBe(server.counts.errors);
    expect(server.counts.errors).toBe(1);
    expect(counters['ws.connections.dropped.1006'] ?? 0).toBe(0);
    expect(renderTextSummary(result)).toContain('subscriptions ended by the server: with an error 1  completed 1');
    expect(JSON.stringify(result)).not.toContain('gql-sekret-99');
    expect(liveChildren()).toBe(0);
  });

  it('subscribe then expect: held from the first next; an error before it fails the connection; counts equal the server\'s', async () => {
    process.env.PB_GQL_TOKEN = 'gql-sekret-99';
    const server = await startGraphqlServer('gql-sekret-99');
    const publishing = (async () => {
      if (!(await eventually(() => server.counts.started === 3, 10_000))) throw new Error(`only ${server.counts.started} subscriptions started`);
      for (let seq = 0; seq < 3; seq++) {
        server.bus.emit('event', { kind: 'tick', seq, text: `tick ${seq}` });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await runScenario(
      scenarioFrom(`
name: graphql-ws-expect
websocket:
  target: ws://127.0.0.1:${server.port}/graphql
  protocol: graphql-ws
  connect:
    initPayload: { token: "{{env.PB_GQL_TOKEN}}", conn: "{{conn}}", n: 42, ratio: 0.5, ok: true, none: null, list: [1, two, false], obj: { nested: { deep: x } } }
  connections: 3
  connectRate: 200
  hold: 1s
  onOpen:
    - subscribe:
        query: "subscription ($topic: String!, $n: Int!, $ratio: Float!, $flag: Boolean!, $list: [Int!]!, $obj: ObjInput!) { events(topic: $topic, n: $n, ratio: $ratio, flag: $flag, list: $list, obj: $obj) { kind seq sentAt } }"
        variables: { topic: "e-{{conn}}", n: 7, ratio: 1.5, flag: true, none: null, list: [1, 2], obj: { name: o, tags: [a, b] } }
    - expect: { match: { events: { kind: tick } }, timeout: 5s }
  push: { match: { events: { kind: tick } }, sentAt: events.sentAt, seq: events.seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(server.counts.started).toBe(3);
    expect(server.counts.errors).toBe(1);
    expect(counters['ws.subscriptions.errors']).toBe(server.counts.errors);
    expect(counters['ws.connections.failed.handshake']).toBe(server.counts.errors);
    expect(metrics['ws.handshake']?.count).toBe(2);
    // Each held connection's first next completed its expect step; the rest are pushes.
    expect(server.counts.nexts).toBe(2 * 3);
    expect(counters['ws.push.received']).toBe(server.counts.nexts - 2);
    expect(liveChildren()).toBe(0);
  });
});

