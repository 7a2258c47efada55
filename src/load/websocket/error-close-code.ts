/**
 * The close code ws's Receiver attached to a protocol error on an open connection: 1009 for a frame
 * over maxPayload, 1007 for invalid UTF-8, 1002 for other framing errors. ws then closes with that
 * code but, when the server sends no close frame back, reports 1006 on 'close': the cause would be
 * lost. ws keeps the code under its private `Symbol('status-code')`.
 */
export function errorCloseCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const symbol = Object.getOwnPropertySymbols(error).find((key) => key.description === 'status-code');
  const code = symbol === undefined ? undefined : (error as Record<symbol, unknown>)[symbol];
  if (typeof code === 'number') return code;
  switch ((error as { code?: unknown }).code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return 1009;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    default:
      return undefined;
  }
}
