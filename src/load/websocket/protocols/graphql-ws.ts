import { parseJson, type AdapterConnection, type Incoming, type ProtocolFields, type WsProtocolAdapter } from './protocol.js';

/**
 * GraphQL over WebSocket, the graphql-transport-ws protocol (the `graphql-ws` library; Apollo,
 * Hasura, Yoga...). JSON text frames with a `type`:
 *   client: {"type":"connection_init","payload":<connect.initPayload>}
 *   server: {"type":"connection_ack"}                                      ready for the steps
 *   client: {"id":"1","type":"subscribe","payload":{"query":..,"variables":..}}
 *   server: {"id":"1","type":"next","payload":{"data":..}}                 a push: `json` is payload.data
 *   server: {"id":"1","type":"error","payload":[GraphQLError..]}           ws.subscriptions.errors
 *   server: {"id":"1","type":"complete"}                                    ws.subscriptions.completed
 *   either: {"type":"ping"} -> {"type":"pong"}
 * The protocol has no acknowledgement of a subscribe: the step holds at once (an `expect` step
 * after it waits for its first `next` when that matters). Subscription ids are the connection's
 * ack counter, so several subscribe steps on one connection never collide.
 */
const INITIALISING = 1;
const ACKNOWLEDGED = 2;
/** How much of an error payload becomes its cause. */
const CAUSE_CHARS = 200;

interface Message {
  type?: unknown;
  id?: unknown;
  payload?: unknown;
}

export const graphqlWsAdapter: WsProtocolAdapter = {
  name: 'graphql-ws',
  subprotocols: ['graphql-transport-ws'],
  decorateUrl(): void {},
  opened(connection: AdapterConnection, handshake: ProtocolFields): void {
    connection.protocolPhase = INITIALISING;
    const payload = handshake['initPayload'];
    connection.sendText(payload === undefined ? '{"type":"connection_init"}' : `{"type":"connection_init","payload":${payload}}`);
  },
  receive(connection: AdapterConnection, text: string): Incoming | undefined {
    const message = parseJson(text) as Message | undefined;
    if (message === null || typeof message !== 'object') return undefined;
    switch (message.type) {
      case 'next': {
        const payload = message.payload as { data?: unknown } | null | undefined;
        return { json: payload?.data };
      }
      case 'ping':
        connection.sendText('{"type":"pong"}');
        return undefined;
      case 'connection_ack':
        if (connection.protocolPhase === INITIALISING) {
          connection.protocolPhase = ACKNOWLEDGED;
          connection.protocolReady();
        }
        return undefined;
      case 'error':
        connection.protocolError('ws.subscriptions.errors', `graphql-ws error on subscription ${String(message.id)}: ${JSON.stringify(message.payload).slice(0, CAUSE_CHARS)}`);
        return undefined;
      case 'complete':
        connection.protocolError('ws.subscriptions.completed', `graphql-ws complete: the server ended subscription ${String(message.id)}`);
        return undefined;
      default:
        return undefined; // pong, or a type this protocol version does not know
    }
  },
  subscribe(connection: AdapterConnection, fields: ProtocolFields): undefined {
    const id = String(++connection.nextAckId);
    const variables = fields['variables'];
    const payload = `{"query":${JSON.stringify(fields['query'])}${variables === undefined ? '' : `,"variables":${variables}`}}`;
    connection.sendText(`{"id":"${id}","type":"subscribe","payload":${payload}}`);
    return undefined;
  },
  frameSend(): string {
    throw new Error('graphql-ws speaks in subscriptions: use `subscribe`');
  },
  frameEmit(): string {
    throw new Error('graphql-ws has no events: use `subscribe`');
  },
};

