import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Conversation } from '../../../../src/load/websocket/conversation.js';
import { DeltaCounters } from '../../../../src/load/websocket/delta-counters.js';
import { nowUs } from '../../../../src/metrics/clock.js';
import { createHistogram } from '../../../../src/metrics/histogram.js';
import { CauseBook } from '../../../../src/metrics/causes.js';

/** The few members of a ws socket the conversation touches. */
function socketStandIn(): WebSocket & { terminated: number } {
  const standIn = {
    readyState: 1,
    OPEN: 1,
    terminated: 0,
    send(): void {},
    terminate(): void {
      standIn.terminated++;
    },
  };
  return standIn as unknown as WebSocket & { terminated: number };
}

describe('failure causes of a conversation', () => {
  it('keeps the first five distinct causes per counter with a count each; the counter counts every failure', () => {
    const counters = new DeltaCounters();
    const causes = new CauseBook();
    let failed = 0;
    const conversation = new Conversation(
      { protocol: 'mqtt', namespace: '/', headers: {}, query: {}, subprotocols: [], handshake: { protocolVersion: 4, keepalive: 0 }, onOpen: [], handshakeTimeoutUs: 5_000_000, seed: 1 },
      { counters, causes, broadcast: createHistogram(), broadcastLastUs: new Map(), onReady: () => {}, onFailed: () => void failed++ },
    );
    const codes = [5, 5, 4, 1, 2, 3, 6, 5, 7];
    const sockets = codes.map((code, index) => {
      const socket = socketStandIn();
      conversation.opened(socket, index, nowUs());
      conversation.receivedBinary(socket, generate({ cmd: 'connack', sessionPresent: false, returnCode: code }), nowUs());
      return socket;
    });
    expect(failed).toBe(codes.length);
    expect(sockets.every((socket) => socket.terminated === 1)).toBe(true);
    expect(counters.total('ws.connections.failed.handshake')).toBe(codes.length);
    conversation.stop();
    expect(causes.toJSON()).toEqual({
      'ws.connections.failed.handshake': [
        { cause: 'mqtt handshake: mqtt CONNACK refused: 5 not authorized', count: 3 },
        { cause: 'mqtt handshake: mqtt CONNACK refused: 4 bad user name or password', count: 1 },
        { cause: 'mqtt handshake: mqtt CONNACK refused: 1 unacceptable protocol version', count: 1 },
        { cause: 'mqtt handshake: mqtt CONNACK refused: 2 identifier rejected', count: 1 },
        { cause: 'mqtt handshake: mqtt CONNACK refused: 3 server unavailable', count: 1 },
      ],
    });
  });

  it('two mqtt conversations in one process keep their own protocol version, causes and counters', () => {
    const spec = (protocolVersion: 4 | 5) => ({ protocol: 'mqtt', namespace: '/', headers: {}, query: {}, subprotocols: [], handshake: { protocolVersion, keepalive: 0 }, onOpen: [], handshakeTimeoutUs: 5_000_000, seed: 1 });
    const hooks = (counters: DeltaCounters, causes: CauseBook) => ({ counters, causes, broadcast: createHistogram(), broadcastLastUs: new Map(), onReady: () => {}, onFailed: () => {} });
    const countersV5 = new DeltaCounters();
    const countersV4 = new DeltaCounters();
    const causesV5 = new CauseBook();
    const causesV4 = new CauseBook();
    const v5 = new Conversation(spec(5), hooks(countersV5, causesV5));
    const v4 = new Conversation(spec(4), hooks(countersV4, causesV4));
    const socketV5 = socketStandIn();
    const socketV4 = socketStandIn();
    // Both open before either is answered: a per-process protocol version would be 4 for both by now.
    v5.opened(socketV5, 0, nowUs());
    v4.opened(socketV4, 0, nowUs());
    v5.receivedBinary(socketV5, generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0x87 }, { protocolVersion: 5 }), nowUs());
    v4.receivedBinary(socketV4, generate({ cmd: 'connack', sessionPresent: false, returnCode: 4 }), nowUs());
    v5.stop();
    v4.stop();
    expect(causesV5.toJSON()).toEqual({ 'ws.connections.failed.handshake': [{ cause: 'mqtt handshake: mqtt CONNACK refused: 135 not authorized', count: 1 }] });
    expect(causesV4.toJSON()).toEqual({ 'ws.connections.failed.handshake': [{ cause: 'mqtt handshake: mqtt CONNACK refused: 4 bad user name or password', count: 1 }] });
    expect([countersV5.total('ws.connections.failed.handshake'), countersV4.total('ws.connections.failed.handshake')]).toEqual([1, 1]);
    expect([socketV5.terminated, socketV4.terminated]).toEqual([1, 1]);
  });
});
