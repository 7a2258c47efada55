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

/** The cause of a connect failure as a user reads it: ws's or the OS's message (`connect ECONNREFUSED 127.0.0.1:9`, `Unexpected server response: 401 ...`). */
export function connectErrorCause(error: unknown): string {
  const message = (error as Error | undefined)?.message;
  const bodyHead = (error as { bodyHead?: unknown } | undefined)?.bodyHead;
  const text = message ? message : String(error);
  return typeof bodyHead === 'string' && bodyHead !== '' ? `${text}: ${bodyHead}` : text;
}

/** A close frame as a cause: `close 1008 "policy violation"` (1005/1006: no close frame, the connection ended without one). */
export function closeCause(code: number, reason: Buffer | string | undefined): string {
  const text = reason === undefined ? '' : typeof reason === 'string' ? reason : reason.toString('utf8');
  if (code === 1006) return 'close 1006 (the connection ended without a close frame)';
  if (code === 1005) return 'close 1005 (a close frame without a code)';
  return text === '' ? `close ${code}` : `close ${code} ${JSON.stringify(text)}`;
}
