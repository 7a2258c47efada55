import { createServer } from 'node:http';
import { Aedes, type AedesPublishPacket, type Client } from 'aedes';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { eventually } from '../helpers/processes.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** Every JSON type, as the scenario's request payload below must arrive at the broker. */
const EXPECTED_REQUEST = { n: 7, ratio: 0.25, ok: false, none: null, list: [1, 'x', true], obj: { deep: { s: 'y' } } };
/** Every JSON type in what the broker pushes; the scenario's `push.match` asks for all of them. */
const TICK = { kind: 'tick', n: 3, ratio: 2.5, ok: true, none: null, list: [1, 'two', false], obj: { name: 'o', tags: ['a'] } };

/**
 * aedes served over WebSocket as its docs show (`ws` server, `createWebSocketStream` into
 * `aedes.handle`). Client pb-3 is refused at CONNECT (not authorized); pb-5's subscription is
 * refused (SUBACK 0x80). Counts come from aedes' own events.
 */
async function startBroker(password: string) {
  const counts = { clients: 0, refused: 0, subscribed: 0, deniedSubscriptions: 0, requestPublishes: 0, requestTypesOk: 0, pings: 0, acks: 0, forwards: 0, tickForwards: 0, keepaliveTimeouts: 0, qos0Publishes: 0, connectionErrors: [] as string[] };
  const broker = await Aedes.createBroker({
    authenticate: (client, username, passwordBytes, done) => {
      const ok = username === 'bench' && passwordBytes?.toString() === password && client.id !== 'pb-3';
      if (!ok) counts.refused++;
      done(null, ok);
    },
    authorizeForward: (_client, packet) => {
      if (packet.topic.startsWith('bench/feed/')) counts.forwards++;
      if (/^bench\/feed\/\d+$/.test(packet.topic)) counts.tickForwards++;
      return packet;
    },
    authorizeSubscribe: (client, subscription, done) => {
      if (client?.id === 'pb-5') {
        counts.deniedSubscriptions++;
        return done(null, null);
      }
      done(null, subscription);
    },
  });
  broker.on('client', () => counts.clients++);
  broker.on('subscribe', (subscriptions) => {
    counts.subscribed += subscriptions.filter((subscription) => Number(subscription.qos) !== 128 && subscription.topic === 'bench/feed/#').length;
  });
  broker.on('publish', (packet: AedesPublishPacket, client: Client | null) => {
    if (!client || !packet.topic.startsWith('bench/in/') || packet.qos !== 1) return;
    counts.requestPublishes++;
    const { id, ...rest } = JSON.parse(packet.payload.toString()) as Record<string, unknown>;
    if (typeof id === 'string' && /^\d+-\d+$/.test(id) && JSON.stringify(rest) === JSON.stringify(EXPECTED_REQUEST)) counts.requestTypesOk++;
  });
  broker.on('publish', (packet: AedesPublishPacket, client: Client | null) => {
    if (client && packet.topic.startsWith('bench/in/') && packet.qos === 0) counts.qos0Publishes++;
  });
  broker.on('connectionError', (_client, error) => counts.connectionErrors.push(error.message));
  broker.on('ping', () => counts.pings++);
  broker.on('keepaliveTimeout', () => counts.keepaliveTimeouts++);
  broker.on('ack', () => counts.acks++);
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (websocket, request) => {
    const stream = createWebSocketStream(websocket);
    broker.handle(stream, request);
  });
  const port = await new Promise<number>((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
  closers.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  const publish = (topic: string, body: unknown): Promise<void> =>
    new Promise((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 1, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())),
    );
  return { port, counts, publish };
}

describe('mqtt against the real aedes broker over WebSocket', () => {
  it('MQTT 3.1.1: templated CONNECT, a refused CONNACK and SUBACK, subscribe at SUBACK, QoS 1 publishes answered by PUBACK, pushes; counts equal the broker\'s', async () => {
    process.env.PB_MQTT_PASSWORD = 'mqtt-sekret-77';
    const broker = await startBroker('mqtt-sekret-77');
    const TICKS = 5;
    const publishing = (async () => {
      if (!(await eventually(() => broker.counts.subscribed === 4, 10_000))) throw new Error(`only ${broker.counts.subscribed} subscribed`);
      for (let seq = 0; seq < TICKS; seq++) {
        await broker.publish(`bench/feed/${seq}`, { ...TICK, seq, sentAt: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      await broker.publish('bench/feed/noise', { kind: 'noise', seq: TICKS, sentAt: Date.now() });
    })();
    const result = await runScenario(
      scenarioFrom(`
name: mqtt-real
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "pb-{{conn}}", username: bench, password: "{{env.PB_MQTT_PASSWORD}}", keepalive: 1 }
  connections: 6
  connectRate: 200
  hold: 2s
  onOpen:
    - subscribe: { topic: "bench/feed/#", qos: 1 }
  request:
    rate: 4
    publish:
      topic: "bench/in/{{conn}}"
      payload: { id: "{{requestId}}", n: 7, ratio: 0.25, ok: false, none: null, list: [1, x, true], obj: { deep: { s: y } } }
      qos: 1
    timeout: 2s
  push:
    match: { kind: tick, n: 3, ratio: 2.5, ok: true, none: null, list: [1, two, false], obj: { name: o, tags: [a] } }
    sentAt: sentAt
    seq: seq
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(counters['ws.connections.opened']).toBe(6);
    expect(broker.counts.refused).toBe(1);
    // aedes registers a client ('client') once it is authenticated: all but pb-3.
    expect(broker.counts.clients).toBe(counters['ws.connections.opened']! - broker.counts.refused);
    expect(broker.counts.deniedSubscriptions).toBe(1);
    expect(counters['ws.connections.failed.handshake']).toBe(broker.counts.refused + broker.counts.deniedSubscriptions);
    expect(broker.counts.subscribed).toBe(4);
    expect(metrics['ws.handshake']?.count).toBe(broker.counts.subscribed);
    // Requests: every QoS 1 PUBLISH the broker got was answered by its PUBACK, each with every JSON type intact.
    expect(broker.counts.requestPublishes).toBeGreaterThan(4 * 4);
    expect(counters['ws.requests.sent']).toBe(broker.counts.requestPublishes);
    expect(counters['ws.requests.answered']).toBe(broker.counts.requestPublishes);
    expect(broker.counts.requestTypesOk).toBe(broker.counts.requestPublishes);
    expect(metrics['ws.request']?.count).toBe(broker.counts.requestPublishes);
    expect(counters['ws.requests.timeouts'] ?? 0).toBe(0);
    // Pushes: the broker forwarded every tick and the noise to each of the 4 subscribers, and each acked them (QoS 1).
    expect(broker.counts.forwards).toBe(4 * (TICKS + 1));
    expect(broker.counts.acks).toBe(broker.counts.forwards);
    expect(broker.counts.tickForwards).toBe(4 * TICKS);
    expect(counters['ws.push.received']).toBe(broker.counts.tickForwards);
    expect(metrics['ws.push']?.count).toBe(broker.counts.tickForwards);
    expect(counters['ws.push.gaps'] ?? 0).toBe(0);
    expect(counters['ws.push.duplicates'] ?? 0).toBe(0);
    // keepalive 1 s over a 2 s hold: the broker would have cut clients that never pinged.
    expect(broker.counts.keepaliveTimeouts).toBe(0);
    expect(broker.counts.pings).toBeGreaterThanOrEqual(4);
    expect(Object.keys(counters).filter((name) => name.startsWith('ws.connections.dropped'))).toEqual([]);
    expect(JSON.stringify(result)).not.toContain('mqtt-sekret-77');
    expect(liveChildren()).toBe(0);
  });

  it('MQTT 3.1.1 at QoS 0: publishes are sent and counted with no reply, pushes need no PUBACK; counts equal the broker\'s', async () => {
    process.env.PB_MQTT_PASSWORD = 'mqtt-sekret-77';
    const broker = await startBroker('mqtt-sekret-77');
    const publishing = (async () => {
      if (!(await eventually(() => broker.counts.subscribed === 2, 10_000))) throw new Error(`only ${broker.counts.subscribed} subscribed`);
      for (let seq = 0; seq < 3; seq++) await broker.publish(`bench/feed/${seq}`, { ...TICK, seq, sentAt: Date.now() });
    })();
    const result = await runScenario(
      scenarioFrom(`
name: mqtt-qos0
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "pb-{{conn}}", username: bench, password: "{{env.PB_MQTT_PASSWORD}}" }
  connections: 2
  connectRate: 200
  hold: 1s
  onOpen:
    - subscribe: { topic: "bench/feed/#" }
  request: { rate: 5, publish: { topic: "bench/in/{{conn}}", payload: "plain text {{requestId}}" } }
  push: { match: { kind: tick }, sentAt: sentAt, seq: seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(broker.counts.clients).toBe(2);
    expect(broker.counts.subscribed).toBe(2);
    expect(metrics['ws.handshake']?.count).toBe(2);
    expect(broker.counts.qos0Publishes).toBeGreaterThanOrEqual(2 * 5 - 2);
    expect(counters['ws.requests.sent']).toBe(broker.counts.qos0Publishes);
    expect(counters['ws.requests.answered'] ?? 0).toBe(0);
    expect(metrics['ws.request']).toBeUndefined();
    expect(counters['ws.requests.timeouts'] ?? 0).toBe(0);
    expect(counters['ws.requests.unanswered'] ?? 0).toBe(0);
    expect(broker.counts.tickForwards).toBe(2 * 3);
    expect(counters['ws.push.received']).toBe(broker.counts.tickForwards);
    expect(broker.counts.acks).toBe(0);
    expect(liveChildren()).toBe(0);
  });

  it('MQTT 5 against aedes 1.x (which speaks 3.1.1 only): every CONNECT is refused and counted as a failed handshake, nothing hangs', async () => {
    process.env.PB_MQTT_PASSWORD = 'mqtt-sekret-77';
    const broker = await startBroker('mqtt-sekret-77');
    const result = await runScenario(
      scenarioFrom(`
name: mqtt-5-refused
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "pb-{{conn}}", protocolVersion: 5, keepalive: 30 }
  connections: 3
  connectRate: 200
  hold: 500ms
  onOpen:
    - subscribe: { topic: "bench/feed/#", qos: 1 }
`),
    );
    expect(result.counters['ws.connections.opened']).toBe(3);
    expect(broker.counts.connectionErrors).toEqual(Array(3).fill('unacceptable protocol version'));
    expect(result.counters['ws.connections.failed.handshake']).toBe(broker.counts.connectionErrors.length);
    expect(broker.counts.clients).toBe(0);
    expect(broker.counts.subscribed).toBe(0);
    expect(result.validity.ok).toBe(false);
    expect(liveChildren()).toBe(0);
  });
});

/**
 * aedes 1.x answers an MQTT 5 CONNECT with "unacceptable protocol version"; MQTT 5 against a real
 * broker is mqtt5-mosquitto.test.ts. mosquitto 2.0.11 grants subscriptions its ACL denies and
 * sends small packets whole, so a refused SUBACK and a packet split over frames run here against a
 * peer built from mqtt-packet's own parser and generator
 * (version 5 packets with properties and reason codes): not a broker, only the other end of each
 * packet exchange, counting what it received and sent. pb-2 is refused at CONNACK (0x87);
 * every third PUBLISH from pb-1 is refused at its PUBACK (0x87).
 */
async function startMqtt5Peer() {
  const counts = { connects: 0, refused: 0, subscribed: 0, publishes: 0, refusedPublishes: 0, pushes: 0, pushAcks: 0, typesOk: 0 };
  const subscribers = new Set<WebSocket>();
  const http = createServer();
  const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  const send = (socket: WebSocket, packet: Packet): void => socket.send(generate(packet, { protocolVersion: 5 }));
  wss.on('connection', (socket) => {
    const parser = createParser({ protocolVersion: 5 });
    let clientId = '';
    let fromConn1 = 0;
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connect') {
        counts.connects++;
        clientId = packet.clientId;
        const refuse = packet.protocolVersion !== 5 || clientId === 'pb-2';
        if (refuse) counts.refused++;
        send(socket, { cmd: 'connack', sessionPresent: false, reasonCode: refuse ? 0x87 : 0 });
        if (refuse) socket.close();
      } else if (packet.cmd === 'subscribe') {
        counts.subscribed++;
        subscribers.add(socket);
        send(socket, { cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map((subscription) => subscription.qos) });
      } else if (packet.cmd === 'publish') {
        counts.publishes++;
        const { id, ...rest } = JSON.parse(String(packet.payload)) as Record<string, unknown>;
        if (typeof id === 'string' && JSON.stringify(rest) === JSON.stringify(EXPECTED_REQUEST)) counts.typesOk++;
        const refuse = clientId === 'pb-1' && ++fromConn1 % 3 === 0;
        if (refuse) counts.refusedPublishes++;
        send(socket, { cmd: 'puback', messageId: packet.messageId, reasonCode: refuse ? 0x87 : 0 });
      } else if (packet.cmd === 'puback') counts.pushAcks++;
      else if (packet.cmd === 'pingreq') send(socket, { cmd: 'pingresp' });
    });
    socket.on('message', (data: Buffer) => parser.parse(data));
    socket.on('close', () => subscribers.delete(socket));
  });
  const port = await new Promise<number>((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
  closers.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
  });
  let messageId = 0;
  const push = (body: unknown): void => {
    // One packet split over two frames, as brokers that write in pieces do.
    for (const socket of subscribers) {
      const bytes = generate(
        { cmd: 'publish', topic: 'feed/x', payload: Buffer.from(JSON.stringify(body)), qos: 1, messageId: ++messageId, retain: false, dup: false, properties: { userProperties: { source: 'peer' }, messageExpiryInterval: 60 } },
        { protocolVersion: 5 },
      );
      socket.send(bytes.subarray(0, 7));
      socket.send(bytes.subarray(7));
      counts.pushes++;
    }
  };
  return { port, counts, push };
}

describe('mqtt 5 end to end', () => {
  it('MQTT 5 packets with properties and reason codes: refused CONNACK, SUBACK, PUBACK answers and refusals, pushes split over frames; counts equal the peer\'s', async () => {
    const peer = await startMqtt5Peer();
    const publishing = (async () => {
      if (!(await eventually(() => peer.counts.subscribed === 3, 10_000))) throw new Error(`only ${peer.counts.subscribed} subscribed`);
      for (let seq = 0; seq < 4; seq++) {
        peer.push({ ...TICK, seq, sentAt: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
    const result = await runScenario(
      scenarioFrom(`
name: mqtt-5
websocket:
  target: ws://127.0.0.1:${peer.port}/mqtt
  protocol: mqtt
  connect: { clientId: "pb-{{conn}}", protocolVersion: 5, keepalive: 30 }
  connections: 4
  connectRate: 200
  hold: 1500ms
  onOpen:
    - subscribe: { topic: "feed/#", qos: 1 }
  request:
    rate: 4
    publish: { topic: "in/{{conn}}", payload: { id: "{{requestId}}", n: 7, ratio: 0.25, ok: false, none: null, list: [1, x, true], obj: { deep: { s: y } } }, qos: 1 }
  push: { match: { kind: tick, none: null, list: [1, two, false] }, sentAt: sentAt, seq: seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(peer.counts.connects).toBe(4);
    expect(peer.counts.refused).toBe(1);
    expect(counters['ws.connections.failed.handshake']).toBe(peer.counts.refused);
    expect(peer.counts.subscribed).toBe(3);
    expect(metrics['ws.handshake']?.count).toBe(peer.counts.subscribed);
    expect(counters['ws.requests.sent']).toBe(peer.counts.publishes);
    expect(peer.counts.typesOk).toBe(peer.counts.publishes);
    expect(peer.counts.refusedPublishes).toBeGreaterThan(0);
    expect(counters['ws.requests.refused']).toBe(peer.counts.refusedPublishes);
    expect(counters['ws.requests.answered']).toBe(peer.counts.publishes - peer.counts.refusedPublishes);
    expect(metrics['ws.request']?.count).toBe(counters['ws.requests.answered']);
    expect(peer.counts.pushes).toBe(3 * 4);
    expect(counters['ws.push.received']).toBe(peer.counts.pushes);
    expect(peer.counts.pushAcks).toBe(peer.counts.pushes);
    expect(counters['ws.push.gaps'] ?? 0).toBe(0);
    expect(liveChildren()).toBe(0);
  });
});

