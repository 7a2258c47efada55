import { parseJson, type AdapterConnection, type Incoming, type WsProtocolAdapter } from './protocol.js';

/**
 * Socket.IO 4 over Engine.IO 4, WebSocket transport only (no HTTP long-polling first).
 *
 * Engine.IO packets are text frames whose first character is the type: 0 open, 1 close, 2 ping,
 * 3 pong, 4 message. A Socket.IO packet rides in a message: `4` + its type (0 CONNECT, 1
 * DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR) + `/namespace,` when not "/" + an ack id + JSON.
 *   server: 0{"sid":..,"pingInterval":..}     client: 40  (or 40/chat,)
 *   server: 40{"sid":..}                       ready
 *   server: 2                                  client: 3   (heartbeat)
 *   client: 421["ask",{..}]                    server: 431[{..}]   (event with ack id 1, its ack)
 */
const OPENED = 0;
const CONNECTING = 1;
const CONNECTED = 2;

export const socketioAdapter: WsProtocolAdapter = {
  name: 'socketio',
  decorateUrl(url: URL): void {
    if (url.pathname === '' || url.pathname === '/') url.pathname = '/socket.io/';
    url.searchParams.set('EIO', '4');
    url.searchParams.set('transport', 'websocket');
  },
  opened(): void {
    // The server speaks first (the Engine.IO open packet).
  },
  receive(connection: AdapterConnection, text: string): Incoming | undefined {
    const engineType = text.charCodeAt(0);
    if (engineType === 0x32 /* 2 ping */) {
      connection.sendText('3');
      return undefined;
    }
    if (engineType === 0x30 /* 0 open */) {
      if (connection.protocolPhase === OPENED) {
        connection.protocolPhase = CONNECTING;
        connection.sendText(connection.namespace === '/' ? '40' : `40${connection.namespace},`);
      }
      return undefined;
    }
    if (engineType === 0x31 /* 1 close */) {
      connection.fail('engine.io close packet');
      return undefined;
    }
    if (engineType !== 0x34 /* 4 message */) return undefined;
    const packet = parsePacket(text, text.charCodeAt(1) !== 0x33 /* 3 ACK: no payload needed */);
    if (!packet || packet.namespace !== connection.namespace) return undefined;
    switch (packet.type) {
      case 0:
        if (connection.protocolPhase === CONNECTING) {
          connection.protocolPhase = CONNECTED;
          connection.protocolReady();
        }
        return undefined;
      case 4:
        connection.fail(`socket.io connect_error: ${connectErrorMessage(packet.payload)}`);
        return undefined;
      case 1:
        connection.fail('socket.io disconnect (the server ended the session)');
        return undefined;
      case 2: {
        const args = packet.payload;
        if (!Array.isArray(args) || typeof args[0] !== 'string') return undefined;
        return { event: args[0], json: args[1] };
      }
      case 3:
        // An ack is matched by its id alone: its payload is not parsed (one JSON.parse less per request).
        return packet.ackId === undefined ? undefined : { ackId: packet.ackId, json: undefined };
      default:
        return undefined;
    }
  },
  frameSend(): string {
    throw new Error('socketio sends events: use `emit`');
  },
  frameEmit(connection: AdapterConnection, event: string, argsJson: string | undefined, ackId: number | undefined): string {
    const prefix = connection.namespace === '/' ? '42' : `42${connection.namespace},`;
    return `${prefix}${ackId ?? ''}[${JSON.stringify(event)}${argsJson === undefined ? '' : ',' + argsJson}]`;
  },
};

/** The message of a CONNECT_ERROR packet (`44{"message":"..."}`; Socket.IO 2 sent a bare string). */
function connectErrorMessage(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  const message = (payload as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(payload) ?? 'no message';
}

interface Packet {
  type: number;
  namespace: string;
  ackId: number | undefined;
  payload: unknown;
}

/** Parses `4<type>[/nsp,][ackId][json]`; the JSON only when `withPayload`. */
export function parsePacket(text: string, withPayload = true): Packet | undefined {
  const type = text.charCodeAt(1) - 0x30;
  if (type < 0 || type > 6) return undefined;
  let index = 2;
  let namespace = '/';
  if (text[index] === '/') {
    const comma = text.indexOf(',', index);
    if (comma < 0) return undefined;
    namespace = text.slice(index, comma);
    index = comma + 1;
  }
  let digits = index;
  while (digits < text.length && text.charCodeAt(digits) >= 0x30 && text.charCodeAt(digits) <= 0x39) digits++;
  const ackId = digits > index ? Number(text.slice(index, digits)) : undefined;
  if (!withPayload || digits === text.length) return { type, namespace, ackId, payload: undefined };
  return { type, namespace, ackId, payload: parseJson(text.slice(digits)) };
}
