import { generate, parser as createParser, type IPublishPacket, type Packet, type Parser, type QoS } from 'mqtt-packet';
import { parseJson, type AdapterConnection, type IncomingSink, type ProtocolFields, type WsProtocolAdapter } from './protocol.js';

/**
 * MQTT 3.1.1 (`protocolVersion: 4`) and MQTT 5 over WebSocket (subprotocol `mqtt`), binary frames;
 * packets are encoded and decoded by mqtt-packet.
 *   client: CONNECT (clientId, username, password, keepalive)   server: CONNACK 0 -> onOpen steps
 *   client: SUBSCRIBE (a `subscribe` step, packet id n)          server: SUBACK n  -> next step
 *   client: PUBLISH qos 1 (a request, packet id n)               server: PUBACK n  -> the reply
 *   server: PUBLISH (JSON payload: a push)                       client: PUBACK when qos 1
 *   client: PINGREQ every keepalive/2                            server: PINGRESP
 * An MQTT 5 CONNACK's Server Keep Alive replaces the keepalive asked for (mosquitto's `max_keepalive`
 * sends one): pinging at the asked-for pace would have the broker drop every connection.
 * A refused CONNACK or SUBACK fails the connection with its code as the cause; a server DISCONNECT
 * (MQTT 5) ends it. QoS 2 is not spoken: a subscribe or publish asks for 0 or 1.
 *
 * A WebSocket frame may hold several packets or part of one (brokers write a packet in pieces), so
 * frames are cut into whole packets here; a packet's start waiting for its end is the
 * connection's `protocolState`. Whole packets go through one parser per protocol version, shared by
 * every connection of a conversation (a parser holds no state between whole packets).
 */
const CONNECTING = 0;
const CONNECTED = 1;
const MAX_PACKET_ID = 0xffff;
const PINGREQ = Buffer.from([0xc0, 0x00]);
/** The most a packet may declare (the WebSocket frame limit too): a broker cannot make a connection buffer more. */
export const MAX_PACKET_BYTES = 1 << 20;
/** mqtt.js's default too. */
const DEFAULT_KEEPALIVE_SEC = 60;

const CONNACK_3_CAUSES: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};
const REASON_5_CAUSES: Readonly<Record<number, string>> = {
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8b: 'server shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep alive timeout',
  0x8e: 'session taken over',
  0x8f: 'topic filter invalid',
  0x97: 'quota exceeded',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9f: 'connection rate exceeded',
};

/** One conversation's MQTT state, shared by its connections (one scenario: one protocol version and keepalive). */
interface MqttShared {
  protocolVersion: 4 | 5;
  /** The keep alive CONNECT asks for. */
  keepaliveMs: number;
  /** MQTT 5: the CONNACK's Server Keep Alive, which the client must use instead (one broker per conversation). */
  serverKeepaliveMs: number | undefined;
  pinger: NodeJS.Timeout | undefined;
  /** Connected connections, pinged every keepalive/2. */
  connected: Set<AdapterConnection>;
  parsers: Map<number, Parser>;
  /** The connection and sink whose packets the shared parser is reading now. */
  reading: { connection: AdapterConnection; deliver: IncomingSink } | undefined;
}

function sharedOf(connection: AdapterConnection): MqttShared {
  let shared = connection.protocolShared as MqttShared | undefined;
  if (!shared) connection.protocolShared = shared = { protocolVersion: 4, keepaliveMs: 0, serverKeepaliveMs: undefined, pinger: undefined, connected: new Set(), parsers: new Map(), reading: undefined };
  return shared;
}

function encode(shared: MqttShared, packet: Packet): Buffer {
  return generate(packet, { protocolVersion: shared.protocolVersion });
}

function nextPacketId(connection: AdapterConnection): number {
  connection.nextAckId = (connection.nextAckId % MAX_PACKET_ID) + 1;
  return connection.nextAckId;
}

function codeCause(shared: MqttShared, code: number): string {
  const name = shared.protocolVersion === 5 ? REASON_5_CAUSES[code] : CONNACK_3_CAUSES[code];
  return `${code}${name ? ` ${name}` : ''}`;
}

export const mqttAdapter: WsProtocolAdapter = {
  name: 'mqtt',
  subprotocols: ['mqtt'],
  decorateUrl(): void {},
  opened(connection: AdapterConnection, handshake: ProtocolFields): void {
    const shared = sharedOf(connection);
    const protocolVersion = (shared.protocolVersion = handshake['protocolVersion'] === 5 ? 5 : 4);
    const keepaliveMs = (shared.keepaliveMs = Number(handshake['keepalive'] ?? DEFAULT_KEEPALIVE_SEC) * 1_000);
    connection.protocolPhase = CONNECTING;
    const username = handshake['username'];
    const password = handshake['password'];
    connection.sendBinary(
      encode(shared, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion,
        clean: true,
        clientId: String(handshake['clientId'] ?? ''),
        keepalive: keepaliveMs / 1_000,
        ...(username === undefined ? {} : { username: String(username) }),
        ...(password === undefined ? {} : { password: Buffer.from(String(password)) }),
      }),
    );
  },
  receive(connection: AdapterConnection): undefined {
    connection.fail('mqtt: a text frame (MQTT over WebSocket is binary)');
    return undefined;
  },
  receiveBinary(connection: AdapterConnection, data: Buffer, deliver: IncomingSink): void {
    const held = connection.protocolState as Buffer | undefined;
    const bytes = held ? Buffer.concat([held, data]) : data;
    const whole = wholePacketsLength(bytes, MAX_PACKET_BYTES);
    if (whole < 0) {
      connection.protocolState = undefined;
      connection.fail(`mqtt: a malformed packet length, or a packet over ${MAX_PACKET_BYTES} bytes`);
      return;
    }
    connection.protocolState = whole < bytes.length ? bytes.subarray(whole) : undefined;
    if (whole === 0) return;
    const shared = sharedOf(connection);
    shared.reading = { connection, deliver };
    parserFor(shared).parse(bytes.subarray(0, whole));
    shared.reading = undefined;
  },
  subscribe(connection: AdapterConnection, fields: ProtocolFields): number {
    const messageId = nextPacketId(connection);
    connection.sendBinary(encode(sharedOf(connection), { cmd: 'subscribe', messageId, subscriptions: [{ topic: String(fields['topic']), qos: qosOf(fields['qos']) }] }));
    return messageId;
  },
  publish(connection: AdapterConnection, fields: ProtocolFields): number | undefined {
    const qos = qosOf(fields['qos']);
    const messageId = qos > 0 ? nextPacketId(connection) : undefined;
    const packet: IPublishPacket = { cmd: 'publish', topic: String(fields['topic']), payload: String(fields['payload'] ?? ''), qos, retain: false, dup: false };
    if (messageId !== undefined) packet.messageId = messageId;
    connection.sendBinary(encode(sharedOf(connection), packet));
    return messageId;
  },
  frameSend(): string {
    throw new Error('mqtt publishes: use `publish`');
  },
  frameEmit(): string {
    throw new Error('mqtt has no events: use `subscribe` and `publish`');
  },
};

function qosOf(value: string | number | undefined): QoS {
  return value === 1 ? 1 : 0;
}

/**
 * How many leading bytes of `bytes` are whole packets: each is one type byte, a remaining length
 * of 1-4 bytes (7 bits each, low first), then that many bytes. -1 when a length has a fifth byte or
 * a packet declares more than `maxPacketBytes` (waiting for it would hold the bytes forever).
 */
export function wholePacketsLength(bytes: Buffer, maxPacketBytes: number): number {
  let offset = 0;
  for (;;) {
    let length = 0;
    let multiplier = 1;
    let index = offset + 1;
    for (;;) {
      if (index >= bytes.length) return offset;
      const byte = bytes[index++]!;
      length += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
      multiplier *= 128;
      if (multiplier > 128 ** 3) return -1;
    }
    if (length > maxPacketBytes) return -1;
    if (index + length > bytes.length) return offset;
    offset = index + length;
  }
}

/** The conversation's parser for its protocol version (a parser holds no state between whole packets). */
function parserFor(shared: MqttShared): Parser {
  let parser = shared.parsers.get(shared.protocolVersion);
  if (!parser) {
    parser = createParser({ protocolVersion: shared.protocolVersion });
    parser.on('packet', (packet: Packet) => onPacket(shared, packet));
    parser.on('error', (error: Error) => onParseError(shared, error));
    shared.parsers.set(shared.protocolVersion, parser);
  }
  return parser;
}

function onParseError(shared: MqttShared, error: Error): void {
  shared.reading?.connection.fail(`mqtt: malformed packet (${error.message})`);
}

function onPacket(shared: MqttShared, packet: Packet): void {
  const { reading } = shared;
  if (!reading) return;
  const { connection, deliver } = reading;
  switch (packet.cmd) {
    case 'publish': {
      if (packet.qos === 1 && packet.messageId !== undefined) connection.sendBinary(encode(shared, { cmd: 'puback', messageId: packet.messageId }));
      const payload = typeof packet.payload === 'string' ? packet.payload : packet.payload.toString();
      deliver(connection, { json: parseJson(payload) });
      return;
    }
    case 'puback':
      if (packet.messageId === undefined) return;
      if ((packet.reasonCode ?? 0) >= 0x80) deliver(connection, { json: undefined, ackId: packet.messageId, refused: `mqtt PUBACK ${codeCause(shared, packet.reasonCode!)}` });
      else deliver(connection, { json: undefined, ackId: packet.messageId });
      return;
    case 'suback': {
      const granted = Number(packet.granted[0]);
      if (granted >= 0x80) connection.fail(`mqtt SUBACK refused the subscription (${granted})`);
      else if (packet.messageId !== undefined) deliver(connection, { json: undefined, ackId: packet.messageId });
      return;
    }
    case 'connack': {
      const code = packet.reasonCode ?? packet.returnCode ?? 0;
      if (code !== 0) connection.fail(`mqtt CONNACK refused: ${codeCause(shared, code)}`);
      else if (connection.protocolPhase === CONNECTING) {
        connection.protocolPhase = CONNECTED;
        const serverKeepAliveSec = packet.properties?.serverKeepAlive;
        if (serverKeepAliveSec !== undefined) useServerKeepalive(shared, serverKeepAliveSec * 1_000);
        keepConnectionAlive(shared, connection);
        connection.protocolReady();
      }
      return;
    }
    case 'disconnect':
      connection.fail(`mqtt DISCONNECT from the server: ${codeCause(shared, packet.reasonCode ?? 0)}`);
      return;
    default:
      return; // pingresp, and packets a client is never sent
  }
}

/** The keep alive in force: the server's when it sent one. */
function keepaliveInForceMs(shared: MqttShared): number {
  return shared.serverKeepaliveMs ?? shared.keepaliveMs;
}

function useServerKeepalive(shared: MqttShared, serverKeepaliveMs: number): void {
  if (shared.serverKeepaliveMs === serverKeepaliveMs) return;
  shared.serverKeepaliveMs = serverKeepaliveMs;
  clearInterval(shared.pinger);
  shared.pinger = undefined;
  if (serverKeepaliveMs === 0) shared.connected.clear();
  else if (shared.connected.size > 0) startPinger(shared);
}

function startPinger(shared: MqttShared): void {
  shared.pinger = setInterval(pingAll, keepaliveInForceMs(shared) / 2, shared);
  shared.pinger.unref();
}

function keepConnectionAlive(shared: MqttShared, connection: AdapterConnection): void {
  if (keepaliveInForceMs(shared) === 0) return;
  shared.connected.add(connection);
  if (!shared.pinger) startPinger(shared);
}

function pingAll(shared: MqttShared): void {
  for (const connection of shared.connected) {
    if (connection.isOpen()) connection.sendBinary(PINGREQ);
    else shared.connected.delete(connection);
  }
  if (shared.connected.size === 0) {
    clearInterval(shared.pinger);
    shared.pinger = undefined;
  }
}
