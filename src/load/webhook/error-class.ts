import type { StatusRange } from '../../scenario/request-schema.js';
import { ProtocolError } from './response-parser.js';

/** How a failed request is counted: `webhook.errors.<class>` (a status outside `expectStatus` counts by its class). */
/** `badHeader`: a header value rendered from a row held CR or LF, so the request was not sent. */
export type ErrorClass = 'timeout' | 'refused' | 'reset' | '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'badHeader' | 'other';

export const ERROR_CLASSES: readonly ErrorClass[] = ['timeout', 'refused', 'reset', '1xx', '2xx', '3xx', '4xx', '5xx', 'badHeader', 'other'];

const ANY_2XX: readonly StatusRange[] = [{ fromStatus: 200, toStatus: 299 }];

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

/** Classifies a completed response; undefined when its status is expected (2xx by default). */
export function classifyStatus(status: number, expected: readonly StatusRange[] = ANY_2XX): ErrorClass | undefined {
  for (const range of expected) if (status >= range.fromStatus && status <= range.toStatus) return undefined;
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx` as ErrorClass;
  return 'other';
}
