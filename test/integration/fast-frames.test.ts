import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { readBinaryFramesFast } from '../../src/load/websocket/fast-frames.js';
import { parseUpgradeTarget, upgrade, UpgradeKeys } from '../../src/load/websocket/lean-upgrade.js';

/** An unmasked frame as a server writes it. */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  if (payload.length < 126) return Buffer.concat([Buffer.from([first, payload.length]), payload]);
  if (payload.length < 65_536) {
    const header = Buffer.from([first, 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
    return Buffer.concat([header, payload]);
  }
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(payload.length), 2);
  return Buffer.concat([header, payload]);
}

const binary = (label: string, size = 16): Buffer => Buffer.concat([Buffer.from(label), Buffer.alloc(Math.max(0, size - label.length), 0x2e)]);

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    server.close();
  }
});

async function serverAndClient(): Promise<{ raw: Socket; client: WebSocket; pongs: () => number; pong: () => Promise<unknown> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  let pongs = 0;
  let serverSide: WebSocket | undefined;
  const connected = new Promise<Socket>((resolve) =>
    server.once('connection', (socket) => {
      serverSide = socket;
      socket.on('pong', () => pongs++);
      resolve((socket as unknown as { _socket: Socket })._socket);
    }),
  );
  const port = (server.address() as { port: number }).port;
  const client = upgrade(parseUpgradeTarget(`ws://127.0.0.1:${port}/`)!, { timeoutMs: 5_000, maxPayloadBytes: 1 << 20, keys: new UpgradeKeys() });
  await new Promise((resolve) => client.once('open', resolve));
  return { raw: await connected, client, pongs: () => pongs, pong: () => once(serverSide!, 'pong') };
}

describe('fast binary frames (past ws Receiver)', () => {
  it('delivers every frame once and in order, whole binaries fast, everything else through ws', async () => {
    const { raw, client, pongs, pong } = await serverAndClient();
    const received: Array<{ text: string; binary: boolean; length: number }> = [];
    // Waits for events, never for time: until `count` messages have arrived.
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    const messages = (count: number): Promise<void> =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
    const onMessage = function (this: WebSocket, data: Buffer, isBinary: boolean): void {
      expect(this).toBe(client);
      received.push({ text: data.subarray(0, 12).toString().replace(/\.+$/, ''), binary: isBinary, length: data.length });
      for (const waiter of waiters.filter((entry) => received.length >= entry.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    };
    client.on('message', onMessage);
    expect(readBinaryFramesFast(client, onMessage, 1 << 20)).toBe(true);
    let parsedByWs = 0;
    (client as unknown as { _receiver: NodeJS.EventEmitter })._receiver.on('message', () => parsedByWs++);
    const clientSocket = (client as unknown as { _socket: Socket })._socket;

    // 1. Fifty whole binary frames in one write: all fast.
    raw.write(Buffer.concat(Array.from({ length: 50 }, (_unused, index) => frame(2, binary(`b${index}`)))));
    await messages(50);
    expect(received).toHaveLength(50);
    expect(parsedByWs).toBe(0);

    // 2. A frame cut across two writes goes to ws; the frames after it, once ws is between frames, fast again.
    const cut = frame(2, binary('cut', 300));
    const firstPart = once(clientSocket, 'data'); // the client has read the first part alone
    raw.write(cut.subarray(0, 100));
    await firstPart;
    raw.write(cut.subarray(100));
    await messages(51);
    raw.write(frame(2, binary('after-cut')));
    await messages(52);
    expect(parsedByWs).toBe(1);

    // 3. Text, ping, a 16-bit length binary, a 64-bit length binary, mixed in one write, in order.
    const ponged = pong();
    raw.write(
      Buffer.concat([
        frame(2, binary('fast-1')),
        frame(1, Buffer.from('text-1')),
        frame(2, binary('via-ws')),
        frame(9, Buffer.from('ping')),
        frame(2, binary('long-16', 1_000)),
        frame(2, binary('long-64', 70_000)),
      ]),
    );
    await Promise.all([messages(57), ponged]);
    raw.write(Buffer.concat([frame(2, binary('long-16b', 1_000)), frame(2, binary('last'))]));
    await messages(59);

    expect(received.map((message) => message.text)).toEqual([
      ...Array.from({ length: 50 }, (_unused, index) => `b${index}`),
      'cut',
      'after-cut',
      'fast-1',
      'text-1',
      'via-ws',
      'long-16',
      'long-64',
      'long-16b',
      'last',
    ]);
    expect(received.find((message) => message.text === 'text-1')!.binary).toBe(false);
    expect(received.find((message) => message.text === 'long-64')!.length).toBe(70_000);
    expect(received.find((message) => message.text === 'long-16b')!.length).toBe(1_000);
    // ws parsed the cut frame, and from the text frame on the four messages of that chunk; the rest came fast.
    expect(parsedByWs).toBe(1 + 4);
    expect(pongs()).toBe(1);

    // 4. A close frame still closes the connection the ws way.
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    raw.write(frame(8, Buffer.from([0x03, 0xe8])));
    expect(await closed).toBe(1000);
  });

  it('a frame the fast path does not take (masked by a server) fails exactly as with ws alone', async () => {
    const outcome = async (fast: boolean): Promise<{ code: number; errors: string }> => {
      const { raw, client } = await serverAndClient();
      const onMessage = (): void => {};
      client.on('message', onMessage);
      if (fast) expect(readBinaryFramesFast(client, onMessage, 1 << 20)).toBe(true);
      const errors: string[] = [];
      client.on('error', (error) => errors.push(error.message));
      const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
      raw.write(Buffer.from([0x82, 0x80 | 4, 1, 2, 3, 4, 9, 9, 9, 9]));
      return { code: await closed, errors: errors.join(' ') };
    };
    const withFast = await outcome(true);
    expect(withFast.errors).toMatch(/MASK must be clear/);
    expect(withFast).toEqual(await outcome(false));
  });
});
