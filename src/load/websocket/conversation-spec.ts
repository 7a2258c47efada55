import { tlsConnectOptions, type TlsConnectOptions } from '../../scenario/tls-schema.js';
import type { Template } from '../../template/template.js';
import type { WebsocketConfig, WsPushSpec, WsRequestSpec, WsStep, WsTriggeredBroadcast } from '../../scenario/websocket-schema.js';

/**
 * What a client shard needs to hold a conversation with a real server: plain data (parsed
 * templates included), sent to every shard over IPC. Absent for the built-in server's echo/broadcast.
 */
export interface ConversationSpec {
  protocol: string;
  /** socketio: "/" or the namespace to join. */
  namespace: string;
  headers: Record<string, Template>;
  query: Record<string, Template>;
  subprotocols: string[];
  /** The protocol handshake's fields of `websocket.connect` (graphql-ws initPayload; mqtt clientId, username...). */
  handshake: Record<string, Template | number | undefined>;
  onOpen: WsStep[];
  request?: WsRequestSpec;
  push?: WsPushSpec;
  broadcast?: Pick<WsTriggeredBroadcast, 'match' | 'event' | 'idPath'>;
  /** The protocol handshake (after the upgrade) must finish within this. */
  handshakeTimeoutUs: number;
  seed: number;
  /** wss://: the scenario's `tls` (PEM text read at load, so it crosses to the client shards). */
  tls?: TlsConnectOptions;
}

/** The conversation of a websocket section, or undefined when there is nothing to say beyond the built-in echo. */
export function conversationSpecOf(config: WebsocketConfig, seed: number): ConversationSpec | undefined {
  const { connect } = config;
  const { headers, query, subprotocols, ...handshake } = connect;
  const needed =
    config.protocol !== 'raw' ||
    config.onOpen.length > 0 ||
    config.request !== undefined ||
    config.push !== undefined ||
    config.broadcast?.kind === 'triggered' ||
    Object.keys(connect.headers).length > 0 ||
    Object.keys(connect.query).length > 0 ||
    connect.subprotocols.length > 0 ||
    Object.values(handshake).some((value) => value !== undefined) ||
    config.tls !== undefined;
  if (!needed) return undefined;
  const broadcast = config.broadcast?.kind === 'triggered' ? config.broadcast : undefined;
  return {
    protocol: config.protocol,
    namespace: config.namespace ?? '/',
    headers: connect.headers,
    query: connect.query,
    subprotocols: connect.subprotocols,
    handshake,
    onOpen: config.onOpen,
    ...(config.request ? { request: config.request } : {}),
    ...(config.push ? { push: config.push } : {}),
    ...(broadcast ? { broadcast: { ...(broadcast.match ? { match: broadcast.match } : {}), ...(broadcast.event ? { event: broadcast.event } : {}), idPath: broadcast.idPath } } : {}),
    handshakeTimeoutUs: config.connectTimeoutUs,
    seed,
    ...(config.tls ? { tls: tlsConnectOptions(config.tls)! } : {}),
  };
}
