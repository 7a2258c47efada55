/** How a connection that never opened is counted: `ws.connections.failed.<class>`. */
export type ConnectFailure = 'refused' | 'timeout' | 'reset' | 'EMFILE' | 'EADDRNOTAVAIL' | 'bad-status' | 'other';

/** ws's messages for a handshake that timed out and for a non-101 answer. */
const HANDSHAKE_TIMEOUT = 'Opening handshake has timed out';
const UNEXPECTED_RESPONSE = 'Unexpected server response';

/** Classifies the error a WebSocket emitted before it opened. */
export function classifyConnectError(error: unknown): ConnectFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'EMFILE':
    case 'ENFILE':
      return 'EMFILE';
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'EADDRNOTAVAIL';
  }
  const message = (error as Error | undefined)?.message ?? '';
  if (message.startsWith(HANDSHAKE_TIMEOUT)) return 'timeout';
  if (message.startsWith(UNEXPECTED_RESPONSE)) return 'bad-status';
  return 'other';
}
