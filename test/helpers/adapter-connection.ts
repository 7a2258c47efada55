import type { AdapterConnection } from '../../src/load/websocket/protocols/protocol.js';

/** An adapter's side of one connection, recording what the adapter does with it (no socket). */
export interface RecordingConnection extends AdapterConnection {
  sent: string[];
  sentBinary: Buffer[];
  readyCalls: number;
  failures: string[];
  errors: Array<[string, string]>;
  open: boolean;
}

export function recordingConnection(): RecordingConnection {
  return {
    namespace: '/',
    protocolPhase: 0,
    nextAckId: 0,
    protocolState: undefined,
    sent: [],
    sentBinary: [],
    readyCalls: 0,
    failures: [],
    errors: [],
    open: true,
    sendText(text) {
      this.sent.push(text);
    },
    sendBinary(data) {
      this.sentBinary.push(Buffer.from(data));
    },
    protocolReady() {
      this.readyCalls++;
    },
    fail(reason) {
      this.failures.push(reason);
    },
    protocolError(counter, cause) {
      this.errors.push([counter, cause]);
    },
    isOpen() {
      return this.open;
    },
  };
}
