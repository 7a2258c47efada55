import type { WsProtocolAdapter } from './protocol.js';
import { rawAdapter } from './raw.js';
import { socketioAdapter } from './socketio.js';

/** Every adapter by its scenario name (`websocket.protocol`). */
export const WS_PROTOCOL_ADAPTERS: Readonly<Record<string, WsProtocolAdapter>> = Object.fromEntries(
  [rawAdapter, socketioAdapter].map((adapter) => [adapter.name, adapter]),
);

export function protocolAdapter(name: string): WsProtocolAdapter {
  const adapter = WS_PROTOCOL_ADAPTERS[name];
  if (!adapter) throw new Error(`no WebSocket protocol adapter named "${name}"`);
  return adapter;
}
