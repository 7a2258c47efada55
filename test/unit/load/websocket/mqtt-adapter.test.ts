import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import type { Incoming } from '../../../../src/load/websocket/protocols/protocol.js';
import { MAX_PACKET_BYTES, mqttAdapter, wholePacketsLength } from '../../../../src/load/websocket/protocols/mqtt.js';
import { parseScenarioBytes } from '../../../../src/scenario/load-scenario.js';
import { recordingConnection, type RecordingConnection } from '../../../helpers/adapter-connection.js';

function problems(websocket: string): readonly string[] {
  try {
    parseScenarioBytes(Buffer.from(`name: w\nwebsocket:\n  target: ws://127.0.0.1:1/\n  connections: 1\n  hold: 1s\n${websocket}`), 'w.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

/** What a broker of `version` reads from the adapter's frames (mqtt-packet's own parser). */
function decode(frames: Buffer[], version: 4 | 5): Packet[] {
  const packets: Packet[] = [];
  const parser = createParser({ protocolVersion: version });
  parser.on('packet', (packet: Packet) => packets.push(packet));
  parser.on('error', (error: Error) => {
    throw error;
  });
  for (const frame of frames) parser.parse(frame);
  return packets;
}

function feed(connection: RecordingConnection, ...frames: Buffer[]): Incoming[] {
  const delivered: Incoming[] = [];
  for (const frame of frames) mqttAdapter.receiveBinary!(connection, frame, (_connection, incoming) => delivered.push(incoming));
  return delivered;
}

function connected(version: 4 | 5): RecordingConnection {
  const connection = recordingConnection();
  mqttAdapter.opened(connection, { clientId: 'pb-1', username: 'u', password: 'p', keepalive: 0, protocolVersion: version });
  feed(connection, generate({ cmd: 'connack', sessionPresent: false, ...(version === 5 ? { reasonCode: 0 } : { returnCode: 0 }) }, { protocolVersion: version }));
  return connection;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('mqtt adapter', () => {
  for (const version of [4, 5] as const) {
    it(`MQTT ${version === 4 ? '3.1.1' : '5'}: CONNECT as a broker reads it, CONNACK 0 -> ready; SUBSCRIBE -> its SUBACK id; QoS 1 PUBLISH -> its PUBACK id; QoS 0 has none`, () => {
      const connection = recordingConnection();
      expect(mqttAdapter.subprotocols).toEqual(['mqtt']);
      mqttAdapter.opened(connection, { clientId: 'pb-7', username: 'bench', password: 's3cret', keepalive: 30, protocolVersion: version });
      expect(decode(connection.sentBinary, version)[0]).toMatchObject({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: version, clientId: 'pb-7', username: 'bench', keepalive: 30, clean: true });
      expect(String((decode(connection.sentBinary, version)[0] as { password: Buffer }).password)).toBe('s3cret');
      feed(connection, generate({ cmd: 'connack', sessionPresent: false, ...(version === 5 ? { reasonCode: 0 } : { returnCode: 0 }) }, { protocolVersion: version }));
      expect(connection.readyCalls).toBe(1);
      const subscribeId = mqttAdapter.subscribe!(connection, { topic: 'feed/#', qos: 1 });
      const publishId = mqttAdapter.publish!(connection, { topic: 'in/1', payload: '{"n":1,"ok":true,"none":null,"list":[1,"a"],"obj":{"s":"x"}}', qos: 1 });
      expect(mqttAdapter.publish!(connection, { topic: 'in/1', payload: 'text', qos: 0 })).toBeUndefined();
      const [, subscribe, publish, publish0] = decode(connection.sentBinary, version);
      expect(subscribe).toMatchObject({ cmd: 'subscribe', messageId: subscribeId, subscriptions: [{ topic: 'feed/#', qos: 1 }] });
      expect(publish).toMatchObject({ cmd: 'publish', topic: 'in/1', qos: 1, messageId: publishId });
      expect(JSON.parse(String((publish as { payload: Buffer }).payload))).toEqual({ n: 1, ok: true, none: null, list: [1, 'a'], obj: { s: 'x' } });
      expect(publish0).toMatchObject({ cmd: 'publish', qos: 0 });
      expect(subscribeId).not.toBe(publishId);
      const replies = feed(
        connection,
        generate({ cmd: 'suback', messageId: subscribeId!, granted: [1] }, { protocolVersion: version }),
        generate({ cmd: 'puback', messageId: publishId! }, { protocolVersion: version }),
      );
      expect(replies).toEqual([
        { json: undefined, ackId: subscribeId },
        { json: undefined, ackId: publishId },
      ]);
      expect(connection.failures).toEqual([]);
    });
  }

  it('incoming PUBLISH is a push of its JSON payload; QoS 1 is acknowledged with PUBACK; packets split across frames and several in one frame', () => {
    const connection = connected(4);
    connection.sentBinary.length = 0;
    const push = generate({ cmd: 'publish', topic: 'feed/1', payload: Buffer.from('{"kind":"tick","seq":1,"ok":false,"none":null,"list":[2],"obj":{}}'), qos: 1, messageId: 9, retain: false, dup: false });
    const text = generate({ cmd: 'publish', topic: 'feed/2', payload: Buffer.from('not json'), qos: 0, retain: false, dup: false });
    const both = Buffer.concat([push, text, Buffer.from([0xd0, 0x00]) /* PINGRESP */]);
    expect(feed(connection, both.subarray(0, 1), both.subarray(1, 5), both.subarray(5, push.length + 3), both.subarray(push.length + 3))).toEqual([
      { json: { kind: 'tick', seq: 1, ok: false, none: null, list: [2], obj: {} } },
      { json: undefined },
    ]);
    expect(connection.protocolState).toBeUndefined();
    expect(decode(connection.sentBinary, 4)).toEqual([expect.objectContaining({ cmd: 'puback', messageId: 9 })]);
  });

  it('refusals fail the connection with their code as the cause: CONNACK 5 / MQTT 5 0x87, SUBACK 0x80, DISCONNECT; a refused MQTT 5 PUBACK is a refused reply', () => {
    const refused = recordingConnection();
    mqttAdapter.opened(refused, { clientId: 'x', protocolVersion: 4 });
    feed(refused, generate({ cmd: 'connack', sessionPresent: false, returnCode: 5 }));
    expect(refused.failures).toEqual(['mqtt CONNACK refused: 5 not authorized']);
    expect(refused.readyCalls).toBe(0);
    const refused5 = recordingConnection();
    mqttAdapter.opened(refused5, { clientId: 'x', protocolVersion: 5 });
    feed(refused5, generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0x87 }, { protocolVersion: 5 }));
    expect(refused5.failures).toEqual(['mqtt CONNACK refused: 135 not authorized']);
    const connection = connected(5);
    const id = mqttAdapter.subscribe!(connection, { topic: 'secret/#', qos: 0 })!;
    feed(connection, generate({ cmd: 'suback', messageId: id, granted: [0x87] }, { protocolVersion: 5 }));
    expect(connection.failures).toEqual(['mqtt SUBACK refused the subscription (135)']);
    const publishId = mqttAdapter.publish!(connection, { topic: 'in', payload: '{}', qos: 1 })!;
    expect(feed(connection, generate({ cmd: 'puback', messageId: publishId, reasonCode: 0x87 }, { protocolVersion: 5 }))).toEqual([
      { json: undefined, ackId: publishId, refused: 'mqtt PUBACK 135 not authorized' },
    ]);
    feed(connection, generate({ cmd: 'disconnect', reasonCode: 0x8b }, { protocolVersion: 5 }));
    expect(connection.failures.at(-1)).toBe('mqtt DISCONNECT from the server: 139 server shutting down');
    const text = recordingConnection();
    mqttAdapter.receive(text, 'hello');
    expect(text.failures).toEqual(['mqtt: a text frame (MQTT over WebSocket is binary)']);
  });

  it('MQTT 5: the CONNACK\'s Server Keep Alive replaces the keep alive asked for (mosquitto\'s max_keepalive sends one), 0 stops pinging; without one the asked pace holds', () => {
    vi.useFakeTimers();
    const pingsAfter = (asked: number, version: 4 | 5, serverKeepAlive: number | undefined, elapsedMs: number): number => {
      const connection = recordingConnection();
      mqttAdapter.opened(connection, { clientId: 'pb-1', keepalive: asked, protocolVersion: version });
      const properties = serverKeepAlive === undefined ? {} : { properties: { serverKeepAlive } };
      feed(connection, generate({ cmd: 'connack', sessionPresent: false, ...(version === 5 ? { reasonCode: 0, ...properties } : { returnCode: 0 }) }, { protocolVersion: version }));
      connection.sentBinary.length = 0;
      vi.advanceTimersByTime(elapsedMs);
      const packets = decode(connection.sentBinary, version);
      connection.open = false;
      vi.advanceTimersByTime(60_000); // the pinger sees the connection closed and stops
      expect(packets.every((packet) => packet.cmd === 'pingreq')).toBe(true);
      return packets.length;
    };
    // Asked 30 s, the broker says 10 s: a PINGREQ every 5 s, not every 15 s (mosquitto would drop it at 15 s).
    expect(pingsAfter(30, 5, 10, 10_000)).toBe(2);
    // Asked none, the broker says 4 s: pings every 2 s.
    expect(pingsAfter(0, 5, 4, 6_000)).toBe(3);
    // The broker says 0: no keep alive, no pings.
    expect(pingsAfter(30, 5, 0, 60_000)).toBe(0);
    // No Server Keep Alive (MQTT 5) or MQTT 3.1.1: the asked pace.
    expect(pingsAfter(10, 5, undefined, 10_000)).toBe(2);
    expect(pingsAfter(10, 4, undefined, 10_000)).toBe(2);
  });

  it('whole packets: a remaining length of 1 to 4 bytes; a packet cut anywhere waits for its end; a malformed or oversized length is refused', () => {
    const big = generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(20_000, 0x61), qos: 0, retain: false, dup: false });
    expect(big[2]! & 0x80).toBe(0x80); // a 3-byte remaining length
    for (const cut of [0, 1, 2, 3, 4, 100, big.length - 1]) expect(wholePacketsLength(big.subarray(0, cut), MAX_PACKET_BYTES)).toBe(0);
    expect(wholePacketsLength(big, MAX_PACKET_BYTES)).toBe(big.length);
    const ping = Buffer.from([0xc0, 0x00]);
    expect(wholePacketsLength(Buffer.concat([ping, ping, big.subarray(0, 10)]), MAX_PACKET_BYTES)).toBe(4);
    expect(wholePacketsLength(big, 19_999)).toBe(-1);
    expect(wholePacketsLength(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), MAX_PACKET_BYTES)).toBe(-1);
    // A broker announcing 200 MB: the connection fails at once instead of buffering for ever.
    const connection = connected(4);
    feed(connection, Buffer.from([0x30, 0x80, 0x80, 0x80, 0x64]));
    expect(connection.failures).toEqual([`mqtt: a malformed packet length, or a packet over ${MAX_PACKET_BYTES} bytes`]);
    expect(connection.protocolState).toBeUndefined();
    // Garbage that frames as a packet is rejected by mqtt-packet's parser, and the next connection parses cleanly.
    const garbage = connected(4);
    feed(garbage, Buffer.from([0xf0, 0x00]));
    expect(garbage.failures.length).toBe(1);
    expect(garbage.failures[0]).toMatch(/^mqtt: malformed packet/);
    const clean = connected(4);
    expect(feed(clean, generate({ cmd: 'publish', topic: 't', payload: Buffer.from('{"a":1}'), qos: 0, retain: false, dup: false }))).toEqual([{ json: { a: 1 } }]);
  });

  it('scenario: subscribe needs topic; qos is 0 or 1; publish needs topic and payload; graphql and socketio forms are located exit-2 errors', () => {
    expect(problems('  protocol: mqtt\n  onOpen:\n    - subscribe: { qos: 1 }\n')).toEqual(['w.yaml:8:18: websocket.onOpen.0.subscribe.topic: needs `topic` under protocol mqtt']);
    expect(problems('  protocol: mqtt\n  onOpen:\n    - subscribe: { topic: a, qos: 2 }\n')[0]).toMatch(/^w\.yaml:8:\d+: websocket\.onOpen\.0: subscribe\.qos: expected qos 0 or 1/);
    expect(problems('  protocol: mqtt\n  onOpen:\n    - subscribe: { topic: a, query: q }\n')[0]).toMatch(/websocket\.onOpen\.0\.subscribe\.query: `query` does not apply to protocol mqtt/);
    expect(problems('  protocol: mqtt\n  request: { rate: 1, publish: { topic: a } }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.request\.publish\.payload: /);
    expect(problems('  protocol: mqtt\n  request: { rate: 1, emit: { event: a, ack: true } }\n')).toEqual([
      'w.yaml:7:12: websocket.request: needs `publish`',
      'w.yaml:7:29: websocket.request.emit: `emit` does not apply to protocol mqtt; use `publish`',
    ]);
    expect(problems('  protocol: mqtt\n  connect: { protocolVersion: 3 }\n')[0]).toMatch(/^w\.yaml:7:\d+: websocket\.connect\.protocolVersion: expected protocolVersion 4 \(MQTT 3\.1\.1\) or 5 \(MQTT 5\)/);
    expect(problems('  protocol: mqtt\n  connect: { initPayload: { a: 1 } }\n')[0]).toMatch(/websocket\.connect\.initPayload: `initPayload` does not apply to protocol mqtt/);
    expect(problems('  protocol: socketio\n  connect: { password: x }\n')[0]).toMatch(/websocket\.connect\.password: `password` does not apply to protocol socketio/);
    expect(problems('  protocol: socketio\n  onOpen:\n    - subscribe: { topic: a }\n')[0]).toMatch(/websocket\.onOpen\.0\.subscribe: `subscribe` does not apply to protocol socketio/);
    expect(
      problems(
        '  protocol: mqtt\n  connect: { clientId: "pb-{{conn}}", username: u, password: p, keepalive: 30, protocolVersion: 5 }\n  onOpen:\n    - subscribe: { topic: "a/#", qos: 1 }\n  request: { rate: 2, publish: { topic: "in/{{conn}}", payload: { id: "{{requestId}}", n: 1 }, qos: 1 } }\n  push: { match: { kind: tick }, sentAt: sentAt }\n',
      ),
    ).toEqual([]);
  });
});
