import { generate, parser as createParser, type IPublishPacket, type Packet } from 'mqtt-packet';
import WebSocket from 'ws';

/** A minimal MQTT client over WebSocket (mqtt-packet on a ws socket), independent of pushbench's adapter. */
export interface TestMqttClient {
  /** Every PUBLISH the broker delivered to this client. */
  received: IPublishPacket[];
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  /** A PUBLISH; at QoS 1 resolves at its PUBACK. */
  publish(topic: string, body: unknown, qos: 0 | 1): Promise<void>;
  close(): Promise<void>;
}

export async function connectTestClient(port: number, clientId: string, protocolVersion: 4 | 5): Promise<TestMqttClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`, 'mqtt');
  const parser = createParser({ protocolVersion });
  const received: IPublishPacket[] = [];
  const waiting = new Map<string, () => void>();
  const send = (packet: Packet): void => socket.send(generate(packet, { protocolVersion }));
  const answer = (key: string): Promise<void> => new Promise((resolve) => waiting.set(key, resolve));
  parser.on('packet', (packet: Packet) => {
    if (packet.cmd === 'publish') {
      received.push(packet);
      if (packet.qos === 1) send({ cmd: 'puback', messageId: packet.messageId! });
    } else if (packet.cmd === 'connack' || packet.cmd === 'suback' || packet.cmd === 'puback') {
      const key = packet.cmd === 'connack' ? 'connack' : `${packet.cmd}:${packet.messageId}`;
      waiting.get(key)?.();
      waiting.delete(key);
    }
  });
  socket.on('message', (data: Buffer) => parser.parse(data));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const connected = answer('connack');
  send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion, clean: true, clientId, keepalive: 0 });
  await connected;
  let messageId = 0;
  return {
    received,
    async subscribe(topic, qos) {
      const id = ++messageId;
      const acked = answer(`suback:${id}`);
      send({ cmd: 'subscribe', messageId: id, subscriptions: [{ topic, qos }] });
      await acked;
    },
    async publish(topic, body, qos) {
      const packet: IPublishPacket = { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos, retain: false, dup: false };
      if (qos === 0) return send(packet);
      packet.messageId = ++messageId;
      const acked = answer(`puback:${packet.messageId}`);
      send(packet);
      await acked;
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      send({ cmd: 'disconnect' });
      socket.close();
      await closed;
    },
  };
}
