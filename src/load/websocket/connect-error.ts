/** How a connection that never opened is counted: `ws.connections.failed.<class>`. */
/** `http<status>`: the server answered the upgrade with that status instead of 101 (http401, http403, ...). */
/** `badHeader`: a header value held CR or LF, so the upgrade was never sent. */
export type ConnectFailure = 'refused' | 'timeout' | 'reset' | 'EMFILE' | 'EADDRNOTAVAIL' | `http${number}` | 'badHeader' | 'other';

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
    case 'ERR_INVALID_CHAR':
      return 'badHeader';
  }
  const message = (error as Error | undefined)?.message ?? '';
  if (message.startsWith(HANDSHAKE_TIMEOUT)) return 'timeout';
  if (message.startsWith(UNEXPECTED_RESPONSE)) {
    const status = Number(/(\d{3})\s*$/.exec(message)?.[1]);
    return Number.isInteger(status) ? `http${status}` : 'other';
  }
  return 'other';
}
