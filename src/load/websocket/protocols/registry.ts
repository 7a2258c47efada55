import type { WsProtocolAdapter } from './protocol.js';
import { graphqlWsAdapter } from './graphql-ws.js';
import { mqttAdapter } from './mqtt.js';
import { rawAdapter } from './raw.js';
import { socketioAdapter } from './socketio.js';

/** Every adapter by its scenario name (`websocket.protocol`). */
export const WS_PROTOCOL_ADAPTERS: Readonly<Record<string, WsProtocolAdapter>> = Object.fromEntries(
  [rawAdapter, socketioAdapter, graphqlWsAdapter, mqttAdapter].map((adapter) => [adapter.name, adapter]),
);

export function protocolAdapter(name: string): WsProtocolAdapter {
  const adapter = WS_PROTOCOL_ADAPTERS[name];
  if (!adapter) throw new Error(`no WebSocket protocol adapter named "${name}"`);
  return adapter;
}
