import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { graphqlWsAdapter } from '../../../../src/load/websocket/protocols/graphql-ws.js';
import { parseScenarioBytes } from '../../../../src/scenario/load-scenario.js';
import { recordingConnection } from '../../../helpers/adapter-connection.js';

function problems(websocket: string): readonly string[] {
  try {
    parseScenarioBytes(Buffer.from(`name: w\nwebsocket:\n  target: ws://127.0.0.1:1/\n  connections: 1\n  hold: 1s\n${websocket}`), 'w.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

describe('graphql-ws adapter (graphql-transport-ws)', () => {
  it('connection_init carries the payload; connection_ack makes it ready once; the subprotocol is offered', () => {
    const connection = recordingConnection();
    expect(graphqlWsAdapter.subprotocols).toEqual(['graphql-transport-ws']);
    graphqlWsAdapter.opened(connection, { initPayload: '{"token":"t","n":1,"ok":true,"none":null,"list":[1,"a"],"obj":{}}' });
    expect(connection.sent).toEqual(['{"type":"connection_init","payload":{"token":"t","n":1,"ok":true,"none":null,"list":[1,"a"],"obj":{}}}']);
    expect(JSON.parse(connection.sent[0]!)).toEqual({ type: 'connection_init', payload: { token: 't', n: 1, ok: true, none: null, list: [1, 'a'], obj: {} } });
    expect(graphqlWsAdapter.receive(connection, '{"type":"connection_ack"}')).toBeUndefined();
    expect(graphqlWsAdapter.receive(connection, '{"type":"connection_ack"}')).toBeUndefined();
    expect(connection.readyCalls).toBe(1);
    const bare = recordingConnection();
    graphqlWsAdapter.opened(bare, {});
    expect(bare.sent).toEqual(['{"type":"connection_init"}']);
  });

  it('subscribe: a fresh id per subscription, query and variables as JSON; held at once (no ack id)', () => {
    const connection = recordingConnection();
    const query = 'subscription { events(topic: "a\\"b") { seq } }';
    expect(graphqlWsAdapter.subscribe!(connection, { query, variables: '{"topic":"t-1","n":2}' })).toBeUndefined();
    expect(graphqlWsAdapter.subscribe!(connection, { query })).toBeUndefined();
    expect(connection.sent.map((text) => JSON.parse(text))).toEqual([
      { id: '1', type: 'subscribe', payload: { query, variables: { topic: 't-1', n: 2 } } },
      { id: '2', type: 'subscribe', payload: { query } },
    ]);
  });

  it('next is a push of payload.data; ping is answered with pong; error and complete are counted with their cause', () => {
    const connection = recordingConnection();
    expect(graphqlWsAdapter.receive(connection, '{"id":"1","type":"next","payload":{"data":{"events":{"seq":3}}}}')).toEqual({ json: { events: { seq: 3 } } });
    expect(graphqlWsAdapter.receive(connection, '{"type":"ping"}')).toBeUndefined();
    expect(connection.sent).toEqual(['{"type":"pong"}']);
    expect(graphqlWsAdapter.receive(connection, '{"type":"pong"}')).toBeUndefined();
    graphqlWsAdapter.receive(connection, '{"id":"1","type":"error","payload":[{"message":"boom"}]}');
    graphqlWsAdapter.receive(connection, '{"id":"2","type":"complete"}');
    expect(connection.errors).toEqual([
      ['ws.subscriptions.errors', 'graphql-ws error on subscription 1: [{"message":"boom"}]'],
      ['ws.subscriptions.completed', 'graphql-ws complete: the server ended subscription 2'],
    ]);
    expect(graphqlWsAdapter.receive(connection, 'not json')).toBeUndefined();
    expect(graphqlWsAdapter.receive(connection, 'null')).toBeUndefined();
    expect(connection.failures).toEqual([]);
  });

  it('scenario: subscribe needs query; topic, send, emit, publish and mqtt connect fields are located exit-2 errors', () => {
    expect(problems('  protocol: graphql-ws\n  onOpen:\n    - subscribe: { variables: { a: 1 } }\n')).toEqual([
      'w.yaml:8:18: websocket.onOpen.0.subscribe.query: needs `query` under protocol graphql-ws',
    ]);
    expect(problems('  protocol: graphql-ws\n  onOpen:\n    - subscribe: { query: "subscription { a }", topic: x }\n')[0]).toMatch(
      /^w\.yaml:8:\d+: websocket\.onOpen\.0\.subscribe\.topic: `topic` does not apply to protocol graphql-ws/,
    );
    expect(problems('  protocol: graphql-ws\n  onOpen:\n    - send: hi\n')[0]).toMatch(/^w\.yaml:8:\d+: websocket\.onOpen\.0\.send: `send` does not apply to protocol graphql-ws; use `subscribe`/);
    expect(problems('  protocol: graphql-ws\n  request: { rate: 1, send: hi, correlate: id }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.request: protocol graphql-ws has no requests/);
    expect(problems('  protocol: graphql-ws\n  connect: { clientId: x }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.connect\.clientId: `clientId` does not apply to protocol graphql-ws/);
    expect(problems('  protocol: graphql-ws\n  connect: { initPayload: [1] }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.connect\.initPayload: /);
    expect(problems('  connect: { initPayload: { a: 1 } }\n')[0]).toMatch(/websocket\.connect\.initPayload: `initPayload` does not apply to protocol raw/);
    expect(problems('  protocol: graphql-ws\n  onOpen:\n    - subscribe: { query: "subscription { a(id: \\"{{nope}}\\") }" }\n')[0]).toMatch(/^w\.yaml:8:\d+: .*nope/);
    expect(
      problems('  protocol: graphql-ws\n  connect: { initPayload: { token: x } }\n  onOpen:\n    - subscribe: { query: "subscription { a }", variables: { id: "{{conn}}" } }\n  push: { match: { a: 1 }, sentAt: a.t }\n'),
    ).toEqual([]);
  });
});
