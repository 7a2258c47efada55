import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { HAVE_MOSQUITTO, NO_MOSQUITTO_MESSAGE, startMosquitto, type RealMosquitto } from '../helpers/mosquitto.js';
import { connectTestClient, type TestMqttClient } from '../helpers/mqtt-client.js';
import { eventually } from '../helpers/processes.js';
import { scenarioFrom } from '../helpers/scenarios.js';

if (!HAVE_MOSQUITTO) console.warn(`skipping the mosquitto tests: ${NO_MOSQUITTO_MESSAGE}`);

const PASSWORD = 'mosq-sekret-51';
/** pb-3's stored password is another one: its CONNECT is refused. */
const USERS = Array.from({ length: 8 }, (_, index) => `pb-${index}`);
/** Anonymous clients (the observer) may use bench/#; pb-2 may read but not write it: the broker denies its publishes (MQTT 5: PUBACK 0x87). */
const ACL = 'topic readwrite bench/#\n\n' + USERS.map((user) => `user ${user}\ntopic ${user === 'pb-2' ? 'read' : 'readwrite'} bench/#\n`).join('\n');
/** Every JSON type, as the scenarios' request payloads must reach the observer. */
const REQUEST_BODY = { n: 7, ratio: 0.25, ok: false, none: null, list: [1, 'x', true], obj: { deep: { s: 'y' } } };
const REQUEST_PAYLOAD_YAML = '{ id: "{{requestId}}", n: 7, ratio: 0.25, ok: false, none: null, list: [1, x, true], obj: { deep: { s: y } } }';
const TICK = { kind: 'tick', n: 3, ok: true, none: null, list: [1, 'two', false], obj: { name: 'o' } };

let broker: RealMosquitto;
/** A second MQTT client (mqtt-packet over ws, not pushbench): publishes the ticks and counts what the broker delivers from bench/in/#. */
let observer: TestMqttClient;

beforeAll(async () => {
  if (!HAVE_MOSQUITTO) return;
  process.env.PB_MQTT5_PASSWORD = PASSWORD;
  broker = await startMosquitto({
    passwords: Object.fromEntries(USERS.map((user) => [user, user === 'pb-3' ? 'another' : PASSWORD])),
    acl: ACL,
    // An MQTT 5 client asking for more (or none) gets a Server Keep Alive of 10 s in its CONNACK.
    listenerConfig: ['max_keepalive 10'],
  });
  observer = await connectTestClient(broker.port, 'observer', 5);
  await observer.subscribe('bench/in/#', 1);
}, 20_000);

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
});

/** Log lines about client ids `prefix-N` (the broker's own packet log). */
function clientLines(prefix: string, from: number, pattern: string): number {
  return broker.count(new RegExp(pattern.replace('CLIENT', `${prefix}-\\d+`)), from);
}

/** Publishes `ticks` ticks at QoS 1 to bench/feed/<seq> and bench/alerts/<seq> once the broker has sent `subacks` SUBACKs to `prefix` clients, then one non-matching message. */
async function publishTicks(prefix: string, from: number, subacks: number, ticks: number): Promise<void> {
  if (!(await eventually(() => clientLines(prefix, from, '^Sending SUBACK to CLIENT$') === subacks, 10_000))) throw new Error(`only ${clientLines(prefix, from, '^Sending SUBACK to CLIENT$')} SUBACKs`);
  for (let seq = 0; seq < ticks; seq++) {
    await observer.publish(`bench/feed/${seq}`, { ...TICK, seq, sentAt: Date.now() }, 1);
    await observer.publish(`bench/alerts/${seq}`, { ...TICK, seq, sentAt: Date.now() }, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await observer.publish('bench/feed/noise', { kind: 'noise', sentAt: Date.now() }, 1);
}

function observed(prefix: string, qos: 0 | 1): { count: number; intact: number } {
  const packets = observer.received.filter((packet) => packet.topic.startsWith(`bench/in/${prefix}-`) && packet.qos === qos);
  const intact = packets.filter((packet) => {
    const { id, ...rest } = JSON.parse(String(packet.payload)) as Record<string, unknown>;
    return typeof id === 'string' && /^\d+-\d+$/.test(id) && JSON.stringify(rest) === JSON.stringify(REQUEST_BODY);
  });
  return { count: packets.length, intact: intact.length };
}

describe.skipIf(!HAVE_MOSQUITTO)('mqtt against a real mosquitto 2.0 over WebSocket (started by the test)', () => {
  it('MQTT 5: CONNACK 0x87 for a bad password, QoS 1 and QoS 0 subscriptions, QoS 1 publishes answered by PUBACK or refused (0x87), pushes; counts equal the broker\'s log and a second client\'s', async () => {
    const from = broker.log.length;
    const TICKS = 4;
    // pb-0..pb-5 connect; pb-3 is refused; the other 5 subscribe twice each.
    const publishing = publishTicks('v5', from, 5 * 2, TICKS);
    const result = await runScenario(
      scenarioFrom(`
name: mqtt5-mosquitto
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "v5-{{conn}}", username: "pb-{{conn}}", password: "{{env.PB_MQTT5_PASSWORD}}", keepalive: 1, protocolVersion: 5 }
  connections: 6
  connectRate: 200
  hold: 2s
  onOpen:
    - subscribe: { topic: "bench/feed/#", qos: 1 }
    - subscribe: { topic: "bench/alerts/#", qos: 0 }
  request:
    rate: 4
    publish: { topic: "bench/in/v5-{{conn}}", payload: ${REQUEST_PAYLOAD_YAML}, qos: 1 }
    timeout: 2s
  push: { match: { kind: tick, none: null, list: [1, two, false] }, sentAt: sentAt, seq: seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(result.validity.ok).toBe(true);
    // Connections: the broker accepted 5 MQTT 5 clients and refused one with 0x87 (its log: "Sending CONNACK to <address> (0, 135)").
    expect(counters['ws.connections.opened']).toBe(6);
    expect(clientLines('v5', from, String.raw`^New client connected from 127\.0\.0\.1:\d+ as CLIENT \(p5, c1, k1, u'pb-\d+'\)\.$`)).toBe(5);
    const refusedConnects = broker.count(/^Sending CONNACK to 127\.0\.0\.1 \(0, 135\)$/, from);
    expect(refusedConnects).toBe(1);
    expect(counters['ws.connections.failed.handshake']).toBe(refusedConnects);
    expect(result.causes?.['ws.connections.failed.handshake']).toEqual([{ cause: 'mqtt handshake: mqtt CONNACK refused: 135 not authorized', count: refusedConnects }]);
    // Both subscribe steps done at their SUBACK.
    expect(clientLines('v5', from, '^Sending SUBACK to CLIENT$')).toBe(10);
    expect(metrics['ws.handshake']?.count).toBe(5);
    // Requests: every QoS 1 PUBLISH the broker received it answered; pb-2's it denied with PUBACK 0x87.
    const received = clientLines('v5', from, String.raw`^Received PUBLISH from CLIENT \(d0, q1, r0, m\d+, 'bench/in/`);
    const denied = clientLines('v5', from, String.raw`^Denied PUBLISH from CLIENT \(d0, q1, r0, m\d+, 'bench/in/`);
    expect(received).toBeGreaterThanOrEqual(4 * 4);
    expect(denied).toBeGreaterThanOrEqual(4);
    expect(clientLines('v5', from, String.raw`^Sending PUBACK to CLIENT \(m\d+, rc0\)$`)).toBe(received);
    expect(clientLines('v5', from, String.raw`^Sending PUBACK to CLIENT \(m\d+, rc135\)$`)).toBe(denied);
    expect(counters['ws.requests.sent']).toBe(received + denied);
    expect(counters['ws.requests.answered']).toBe(received);
    expect(metrics['ws.request']?.count).toBe(received);
    expect(counters['ws.requests.refused']).toBe(denied);
    expect(result.causes?.['ws.requests.refused']).toEqual([{ cause: 'mqtt PUBACK 135 not authorized', count: denied }]);
    expect(counters['ws.requests.timeouts'] ?? 0).toBe(0);
    expect(counters['ws.requests.unanswered'] ?? 0).toBe(0);
    // The second client got each allowed publish, every JSON type intact.
    expect(observed('v5', 1)).toEqual({ count: received, intact: received });
    // Pushes: the broker sent each tick to the 5 subscribers twice, on bench/feed at QoS 1 (each PUBACKed) and bench/alerts at QoS 0, and the noise once each.
    const pushedQos1 = clientLines('v5', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q1, r0, m\d+, 'bench/feed/\d+'`);
    const pushedQos0 = clientLines('v5', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q0, r0, m0, 'bench/alerts/\d+'`);
    expect(pushedQos1).toBe(5 * TICKS);
    expect(pushedQos0).toBe(5 * TICKS);
    expect(clientLines('v5', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q1, r0, m\d+, 'bench/feed/noise'`)).toBe(5);
    expect(clientLines('v5', from, String.raw`^Received PUBACK from CLIENT \(Mid: \d+, RC:0\)$`)).toBe(pushedQos1 + 5);
    expect(counters['ws.push.received']).toBe(pushedQos1 + pushedQos0);
    expect(metrics['ws.push']?.count).toBe(pushedQos1 + pushedQos0);
    // keepalive 1 s over a 2 s hold: pings kept every client alive.
    expect(clientLines('v5', from, '^Received PINGREQ from CLIENT$')).toBeGreaterThanOrEqual(5);
    expect(clientLines('v5', from, 'CLIENT has exceeded timeout')).toBe(0);
    expect(Object.keys(counters).filter((name) => name.startsWith('ws.connections.dropped'))).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(liveChildren()).toBe(0);
  }, 30_000);

  it('MQTT 5 at QoS 0: publishes counted with no reply; the CONNACK\'s Server Keep Alive (10 s, asked 30 s) sets the ping pace; counts equal the broker\'s log and a second client\'s', async () => {
    const from = broker.log.length;
    const TICKS = 3;
    const publishing = publishTicks('q0', from, 2 * 2, TICKS);
    const result = await runScenario(
      scenarioFrom(`
name: mqtt5-mosquitto-qos0
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "q0-{{conn}}", protocolVersion: 5, keepalive: 30 }
  connections: 2
  connectRate: 200
  hold: 6s
  onOpen:
    - subscribe: { topic: "bench/feed/#" }
    - subscribe: { topic: "bench/alerts/#", qos: 1 }
  request: { rate: 2, publish: { topic: "bench/in/q0-{{conn}}", payload: ${REQUEST_PAYLOAD_YAML} } }
  push: { match: { kind: tick }, sentAt: sentAt, seq: seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(result.validity.ok).toBe(true);
    expect(clientLines('q0', from, String.raw`^New client connected from 127\.0\.0\.1:\d+ as CLIENT \(p5, c1, k30\)\.$`)).toBe(2);
    expect(metrics['ws.handshake']?.count).toBe(2);
    const received = clientLines('q0', from, String.raw`^Received PUBLISH from CLIENT \(d0, q0, r0, m0, 'bench/in/`);
    expect(received).toBeGreaterThanOrEqual(2 * 2 * 6 - 4);
    expect(counters['ws.requests.sent']).toBe(received);
    expect(observed('q0', 0)).toEqual({ count: received, intact: received });
    expect(clientLines('q0', from, '^Sending PUBACK to CLIENT')).toBe(0);
    expect(counters['ws.requests.answered'] ?? 0).toBe(0);
    expect(metrics['ws.request']).toBeUndefined();
    expect(counters['ws.requests.unanswered'] ?? 0).toBe(0);
    // bench/feed at QoS 0 (the subscription's), bench/alerts at QoS 1 (the publish's).
    const pushedQos0 = clientLines('q0', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q0, r0, m0, 'bench/feed/\d+'`);
    const pushedQos1 = clientLines('q0', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q1, r0, m\d+, 'bench/alerts/\d+'`);
    expect([pushedQos0, pushedQos1]).toEqual([2 * TICKS, 2 * TICKS]);
    expect(clientLines('q0', from, String.raw`^Received PUBACK from CLIENT \(Mid: \d+, RC:0\)$`)).toBe(pushedQos1);
    expect(counters['ws.push.received']).toBe(pushedQos0 + pushedQos1);
    // Asked 30 s, the first PINGREQ would come at 15 s; at the server's 10 s each client pings at 5 s.
    for (const client of ['q0-0', 'q0-1']) expect(broker.count(new RegExp(`^Received PINGREQ from ${client}$`), from)).toBe(1);
    expect(clientLines('q0', from, 'CLIENT has exceeded timeout')).toBe(0);
    expect(Object.keys(counters).filter((name) => name.startsWith('ws.connections.dropped'))).toEqual([]);
    expect(liveChildren()).toBe(0);
  }, 30_000);

  it('MQTT 3.1.1 against the same broker: CONNACK 5 for a bad password; a denied QoS 1 publish is PUBACKed like any other (3.1.1 has no reason codes); pushes; counts equal the broker\'s log', async () => {
    const from = broker.log.length;
    const TICKS = 3;
    const publishing = publishTicks('v4', from, 3 * 2, TICKS);
    const result = await runScenario(
      scenarioFrom(`
name: mqtt311-mosquitto
websocket:
  target: ws://127.0.0.1:${broker.port}/
  protocol: mqtt
  connect: { clientId: "v4-{{conn}}", username: "pb-{{conn}}", password: "{{env.PB_MQTT5_PASSWORD}}", keepalive: 1 }
  connections: 4
  connectRate: 200
  hold: 1500ms
  onOpen:
    - subscribe: { topic: "bench/feed/#", qos: 1 }
    - subscribe: { topic: "bench/alerts/#" }
  request: { rate: 4, publish: { topic: "bench/in/v4-{{conn}}", payload: ${REQUEST_PAYLOAD_YAML}, qos: 1 }, timeout: 2s }
  push: { match: { kind: tick }, sentAt: sentAt, seq: seq }
`),
    );
    await publishing;
    const { counters, metrics } = result;
    expect(result.validity.ok).toBe(true);
    // mosquitto's log names MQTT 3.1.1 `p2` (its own protocol enum), MQTT 5 `p5`.
    expect(clientLines('v4', from, String.raw`^New client connected from 127\.0\.0\.1:\d+ as CLIENT \(p2, c1, k1, u'pb-\d+'\)\.$`)).toBe(3);
    const refusedConnects = broker.count(/^Sending CONNACK to 127\.0\.0\.1 \(0, 5\)$/, from);
    expect(refusedConnects).toBe(1);
    expect(result.causes?.['ws.connections.failed.handshake']).toEqual([{ cause: 'mqtt handshake: mqtt CONNACK refused: 5 not authorized', count: refusedConnects }]);
    expect(metrics['ws.handshake']?.count).toBe(3);
    const received = clientLines('v4', from, String.raw`^Received PUBLISH from CLIENT \(d0, q1, r0, m\d+, 'bench/in/`);
    const denied = clientLines('v4', from, String.raw`^Denied PUBLISH from CLIENT \(d0, q1, r0, m\d+, 'bench/in/`);
    expect(received).toBeGreaterThanOrEqual(2 * 4);
    expect(denied).toBeGreaterThanOrEqual(4);
    // The log shows the broker's own verdict (rc135); on the wire a 3.1.1 PUBACK has no reason code.
    expect(clientLines('v4', from, String.raw`^Sending PUBACK to CLIENT \(m\d+, rc0\)$`)).toBe(received);
    expect(clientLines('v4', from, String.raw`^Sending PUBACK to CLIENT \(m\d+, rc135\)$`)).toBe(denied);
    expect(counters['ws.requests.sent']).toBe(received + denied);
    expect(counters['ws.requests.answered']).toBe(received + denied);
    expect(counters['ws.requests.refused'] ?? 0).toBe(0);
    expect(observed('v4', 1)).toEqual({ count: received, intact: received });
    const pushedQos1 = clientLines('v4', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q1, r0, m\d+, 'bench/feed/\d+'`);
    const pushedQos0 = clientLines('v4', from, String.raw`^Sending PUBLISH to CLIENT \(d0, q0, r0, m0, 'bench/alerts/\d+'`);
    expect([pushedQos1, pushedQos0]).toEqual([3 * TICKS, 3 * TICKS]);
    expect(clientLines('v4', from, String.raw`^Received PUBACK from CLIENT \(Mid: \d+, RC:0\)$`)).toBe(pushedQos1 + 3);
    expect(counters['ws.push.received']).toBe(pushedQos1 + pushedQos0);
    expect(Object.keys(counters).filter((name) => name.startsWith('ws.connections.dropped'))).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(liveChildren()).toBe(0);
  }, 30_000);
});
