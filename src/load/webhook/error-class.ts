import { ProtocolError } from './response-parser.js';

/** How a failed request is counted: `webhook.errors.<class>`. */
export type ErrorClass = 'timeout' | 'refused' | 'reset' | '4xx' | '5xx' | 'other';

export const ERROR_CLASSES: readonly ErrorClass[] = ['timeout', 'refused', 'reset', '4xx', '5xx', 'other'];

/** Classifies a socket-level failure (no usable response arrived). */
export function classifySocketError(error: unknown): ErrorClass {
  if (error instanceof ProtocolError) return 'other';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_DESTROYED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

/** Classifies a completed response; undefined for 2xx (success). */
export function classifyStatus(status: number): ErrorClass | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500) return '5xx';
  return 'other';
}
