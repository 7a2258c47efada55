/**
 * What each WebSocket protocol adapter accepts in a scenario: how messages are written (`send`:
 * raw text; `emit`: a named event) and how incoming ones are matched (`match`: a subset of the JSON
 * message; `event`: an event name). The schema validates against this table; the adapters
 * themselves live in src/load/websocket/protocols/ (a test keeps the two lists equal). Adding an
 * adapter is its file there and its line here.
 */
export interface WsProtocolForms {
  messages: 'send' | 'emit';
  matching: 'match' | 'event';
}

export const WS_PROTOCOL_FORMS: Readonly<Record<string, WsProtocolForms>> = {
  raw: { messages: 'send', matching: 'match' },
  socketio: { messages: 'emit', matching: 'event' },
};
