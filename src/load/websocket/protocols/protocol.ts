/**
 * A WebSocket protocol adapter: what sits between the socket and the scenario's conversation.
 * One file per adapter in this folder, registered by name in ./registry.ts (and its message and
 * matching forms in src/scenario/ws-protocols.ts). An adapter owns:
 *
 *   - URL decoration (socketio adds /socket.io/?EIO=4&transport=websocket),
 *   - the protocol handshake after the upgrade (call `connection.protocolReady()` when done, or
 *     `connection.fail(reason)`),
 *   - heartbeats (answer them inside `receive`),
 *   - framing of outgoing messages (`frameSend` for text, `frameEmit` for named events),
 *   - parsing of incoming frames into `Incoming` messages the conversation matches.
 *
 * Adapters are stateless objects shared by every connection; per-connection protocol state lives in
 * the few numeric fields of `AdapterConnection` (no closure or object per connection). Protocols
 * with their own steps and requests (graphql-ws, mqtt) also implement `subscribe` and `publish`;
 * binary ones (mqtt) implement `receiveBinary`.
 */
export interface AdapterConnection {
  /** "/" or a namespace like "/chat". */
  readonly namespace: string;
  /** The adapter's own handshake phase (0 at upgrade); meaning is the adapter's. */
  protocolPhase: number;
  /** Next acknowledgement id the adapter hands out on this connection. */
  nextAckId: number;
  /** Adapter-owned state the numeric fields cannot hold (mqtt: the start of a packet split across frames); undefined until set. */
  protocolState: unknown;
  /**
   * Adapter-owned state shared by the connections of one conversation (mqtt: its protocol version,
   * keepalive pinger and parsers); undefined until the adapter sets it. Never module-level: two
   * conversations may live in one process.
   */
  protocolShared?: unknown;
  sendText(text: string): void;
  sendBinary(data: Uint8Array): void;
  protocolReady(): void;
  fail(reason: string): void;
  /** A protocol failure that leaves the connection open (a subscription's `error`): counted in `counter`, its cause kept. */
  protocolError(counter: string, cause: string): void;
  isOpen(): boolean;
}

/** Fields of `websocket.connect` (handshake), of a `subscribe` step or of a `publish` request, rendered for one use. */
export type ProtocolFields = Readonly<Record<string, string | number>>;

/** Where `receiveBinary` hands each message it found (a frame may hold several, or part of one). */
export type IncomingSink = (connection: AdapterConnection, incoming: Incoming) => void;

/** One application message. `json` is the parsed payload: the whole message (raw) or the first event argument (socketio; undefined for an ack, matched by its id alone). */
export interface Incoming {
  json: unknown;
  /** socketio: the event name. */
  event?: string;
  /** socketio: the ack id this message answers (a `43` packet). */
  ackId?: number;
  /** The reply to request `ackId` refuses it (mqtt 5 PUBACK reason >= 0x80): its cause. */
  refused?: string;
}

export interface WsProtocolAdapter {
  readonly name: string;
  /** Subprotocols every connection offers (before the scenario's own `connect.subprotocols`). */
  readonly subprotocols?: readonly string[];
  /** Adjusts the target URL in place before connecting. */
  decorateUrl(url: URL): void;
  /** The upgrade completed: start the protocol handshake (or declare it done at once). */
  opened(connection: AdapterConnection, handshake: ProtocolFields): void;
  /** One text frame: protocol frames are handled here (undefined returned); application messages come back. */
  receive(connection: AdapterConnection, text: string): Incoming | undefined;
  /** Binary frames of a binary protocol; without it binary frames are not the adapter's. */
  receiveBinary?(connection: AdapterConnection, data: Buffer, deliver: IncomingSink): void;
  /** A `subscribe` step: sends it; returns the ack id the step waits for, or undefined when it holds at once. */
  subscribe?(connection: AdapterConnection, fields: ProtocolFields): number | undefined;
  /** A `publish` request: sends it; returns the ack id of its reply, or undefined when it has none. */
  publish?(connection: AdapterConnection, fields: ProtocolFields): number | undefined;
  /** A text message as written in the scenario (`send`). */
  frameSend(text: string): string;
  /** A named event (`emit`): `argsJson` is its arguments' JSON, comma-separated (undefined: none), with an optional ack id. */
  frameEmit(connection: AdapterConnection, event: string, argsJson: string | undefined, ackId: number | undefined): string;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
