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
 * the few numeric fields of `AdapterConnection` (no closure or object per connection).
 */
export interface AdapterConnection {
  /** "/" or a namespace like "/chat". */
  readonly namespace: string;
  /** The adapter's own handshake phase (0 at upgrade); meaning is the adapter's. */
  protocolPhase: number;
  /** Next acknowledgement id the adapter hands out on this connection. */
  nextAckId: number;
  sendText(text: string): void;
  protocolReady(): void;
  fail(reason: string): void;
}

/** One application message. `json` is the parsed payload: the whole message (raw) or the first event argument (socketio; undefined for an ack, matched by its id alone). */
export interface Incoming {
  json: unknown;
  /** socketio: the event name. */
  event?: string;
  /** socketio: the ack id this message answers (a `43` packet). */
  ackId?: number;
}

export interface WsProtocolAdapter {
  readonly name: string;
  /** Adjusts the target URL in place before connecting. */
  decorateUrl(url: URL): void;
  /** The upgrade completed: start the protocol handshake (or declare it done at once). */
  opened(connection: AdapterConnection): void;
  /** One text frame: protocol frames are handled here (undefined returned); application messages come back. */
  receive(connection: AdapterConnection, text: string): Incoming | undefined;
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
