/**
 * What each WebSocket protocol adapter accepts in a scenario: how messages are written (`send`:
 * raw text; `emit`: a named event; `subscribe`: the protocol's own subscription), how requests are
 * written, how incoming ones are matched (`match`: a subset of the JSON message; `event`: an event
 * name), which `subscribe` fields it needs and which `websocket.connect` fields its handshake takes.
 * The schema validates against this table; the adapters themselves live in
 * src/load/websocket/protocols/ (a test keeps the two lists equal). Adding an adapter is its file
 * there and its line here.
 */
export interface WsProtocolForms {
  messages: 'send' | 'emit' | 'subscribe';
  matching: 'match' | 'event';
  /** How a `request` is written; absent: the protocol has no requests. */
  requests?: 'send' | 'emit' | 'publish';
  /** Fields a `subscribe` step needs. */
  subscribe?: readonly string[];
  /** Fields of `websocket.connect` that feed the protocol's handshake. */
  handshake?: readonly string[];
}

export const WS_PROTOCOL_FORMS: Readonly<Record<string, WsProtocolForms>> = {
  raw: { messages: 'send', matching: 'match', requests: 'send' },
  socketio: { messages: 'emit', matching: 'event', requests: 'emit' },
  'graphql-ws': { messages: 'subscribe', matching: 'match', subscribe: ['query'], handshake: ['initPayload'] },
  mqtt: { messages: 'subscribe', matching: 'match', requests: 'publish', subscribe: ['topic'], handshake: ['clientId', 'username', 'password', 'keepalive', 'protocolVersion'] },
};

/** Every handshake field any protocol takes (the schema knows them all; each protocol accepts its own). */
export const HANDSHAKE_FIELDS: readonly string[] = [...new Set(Object.values(WS_PROTOCOL_FORMS).flatMap((forms) => forms.handshake ?? []))];
