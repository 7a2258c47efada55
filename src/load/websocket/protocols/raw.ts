import { parseJson, type AdapterConnection, type Incoming, type WsProtocolAdapter } from './protocol.js';

/** Plain WebSocket text frames: messages go out as written; every incoming text frame is one message (parsed as JSON when it is JSON). */
export const rawAdapter: WsProtocolAdapter = {
  name: 'raw',
  decorateUrl(): void {},
  opened(connection: AdapterConnection): void {
    connection.protocolReady();
  },
  receive(_connection: AdapterConnection, text: string): Incoming {
    return { json: parseJson(text) };
  },
  frameSend(text: string): string {
    return text;
  },
  frameEmit(): string {
    throw new Error('raw has no events: use `send`');
  },
};
