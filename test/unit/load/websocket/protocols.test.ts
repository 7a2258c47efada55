import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { trackSequence } from '../../../../src/load/websocket/push-sequencing.js';
import { WS_PROTOCOL_ADAPTERS } from '../../../../src/load/websocket/protocols/registry.js';
import { parsePacket, socketioAdapter } from '../../../../src/load/websocket/protocols/socketio.js';
import type { AdapterConnection } from '../../../../src/load/websocket/protocols/protocol.js';
import { parseScenarioBytes } from '../../../../src/scenario/load-scenario.js';
import { WS_PROTOCOL_FORMS } from '../../../../src/scenario/ws-protocols.js';

function problems(websocket: string): readonly string[] {
  try {
    parseScenarioBytes(Buffer.from(`name: w\nwebsocket:\n  target: ws://127.0.0.1:1/\n  connections: 1\n  hold: 1s\n${websocket}`), 'w.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

function fakeConnection(namespace = '/'): AdapterConnection & { sent: string[]; readyCalls: number; failures: string[] } {
  return {
    namespace,
    protocolPhase: 0,
    nextAckId: 0,
    sent: [],
    readyCalls: 0,
    failures: [],
    sendText(text) {
      this.sent.push(text);
    },
    protocolReady() {
      this.readyCalls++;
    },
    fail(reason) {
      this.failures.push(reason);
    },
    protocolState: undefined,
    sendBinary() {
      throw new Error('socketio is a text protocol');
    },
    protocolError(_counter, cause) {
      this.failures.push(cause);
    },
    isOpen: () => true,
  };
}

describe('WebSocket protocol adapters', () => {
  it('every adapter the schema knows is registered, and no other', () => {
    expect(Object.keys(WS_PROTOCOL_ADAPTERS).sort()).toEqual(Object.keys(WS_PROTOCOL_FORMS).sort());
  });

  it('socketio: open -> connect to the namespace -> ready; ping answered; events and acks parsed; frames written', () => {
    const connection = fakeConnection('/live');
    expect(socketioAdapter.receive(connection, '0{"sid":"a","pingInterval":25000}')).toBeUndefined();
    expect(connection.sent).toEqual(['40/live,']);
    expect(socketioAdapter.receive(connection, '40/live,{"sid":"b"}')).toBeUndefined();
    expect(connection.readyCalls).toBe(1);
    socketioAdapter.receive(connection, '2');
    expect(connection.sent.at(-1)).toBe('3');
    expect(socketioAdapter.receive(connection, '42/live,["news",{"id":3}]')).toEqual({ event: 'news', json: { id: 3 } });
    expect(socketioAdapter.receive(connection, '43/live,12[{"ok":true}]')).toEqual({ ackId: 12, json: undefined }); // matched by id; the payload is not parsed
    expect(socketioAdapter.receive(connection, '42["other-namespace",1]')).toBeUndefined();
    expect(socketioAdapter.frameEmit(connection, 'ask', '{"q":1}', 7)).toBe('42/live,7["ask",{"q":1}]');
    expect(socketioAdapter.frameEmit(fakeConnection(), 'join', undefined, undefined)).toBe('42["join"]');
    expect(parsePacket('44{"message":"no"}')).toMatchObject({ type: 4, namespace: '/', ackId: undefined });
    const refused = fakeConnection();
    socketioAdapter.receive(refused, '0{}');
    socketioAdapter.receive(refused, '44{"message":"unauthorized"}');
    expect(refused.failures).toEqual(['socket.io connect_error: unauthorized']);
  });

  it('socketio decorates a bare URL with the Engine.IO path and query', () => {
    const url = new URL('ws://127.0.0.1:3000');
    socketioAdapter.decorateUrl(url);
    expect(url.href).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
  });

  it('push sequences: a jump is a gap until the missing one arrives (reordered); a repeat is a duplicate', () => {
    const conn = { pushMaxSeq: Number.NaN, pushMissing: undefined as Set<number> | undefined };
    const counts: Record<string, number> = {};
    const counters = { add: (name: string, by = 1) => void (counts[name] = (counts[name] ?? 0) + by) };
    for (const seq of [4, 5, 7, 7, 9, 8, 10]) trackSequence(conn, seq, counters);
    expect(counts).toEqual({ 'ws.push.gaps': 1, 'ws.push.duplicates': 1, 'ws.push.reordered': 1 });
  });

  it('located exit-2 errors: unknown adapter, emit under raw, send under socketio, correlate without request, send without correlate', () => {
    expect(problems('  protocol: stomp\n')).toEqual(['w.yaml:6:13: websocket.protocol: unknown protocol adapter "stomp"; known: raw, socketio, graphql-ws, mqtt']);
    expect(problems('  onOpen:\n    - emit: { event: join }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.onOpen\.0\.emit: `emit` does not apply to protocol raw; use `send`/);
    expect(problems('  protocol: socketio\n  onOpen:\n    - send: hello\n')[0]).toMatch(/^w\.yaml:8:\d+: websocket\.onOpen\.0\.send: `send` does not apply to protocol socketio; use `emit`/);
    expect(problems('  correlate: id\n')[0]).toMatch(/^w\.yaml:6:3: websocket\.correlate: unknown key/);
    expect(problems('  request: { rate: 1, send: hi }\n')[0]).toMatch(/websocket\.request(\.correlate)?: `send` requests need `correlate`/);
    expect(problems('  protocol: socketio\n  push: { match: { a: 1 }, sentAt: t }\n')[0]).toMatch(/websocket\.push\.match: `match` does not apply to protocol socketio; use `event`/);
  });
});
