import { z } from 'zod';
import { builtinOrHttpUrl, durationUs, durationWithDefault, positiveDurationUs, templateField } from './fields.js';
import { tlsSchema } from './tls-schema.js';
import { pushSpec } from './websocket-schema.js';

const CONNECT_VARIABLES = ['conn'];

/** A request body: text as written, or a JSON value written out as JSON; either way a template over {{conn}}. */
const bodyTemplate = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .transform((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
  .pipe(templateField({ variables: CONNECT_VARIABLES }));

const connectOptions = z
  .strictObject({
    headers: z.record(z.string(), templateField({ variables: CONNECT_VARIABLES })).default({}).describe('Request headers (templated, per stream).'),
    query: z.record(z.string(), templateField({ variables: CONNECT_VARIABLES })).default({}).describe('Query parameters added to the URL (templated, per stream).'),
  })
  .describe('How each stream is requested: headers and query.');

const reconnectSpec = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Reopen a stream the server ended or cut (as a browser EventSource does).'),
    resume: z.boolean().default(true).describe('Send Last-Event-ID (the last id seen) when reopening.'),
    retry: durationWithDefault('3s').describe("Wait before reopening; a server's `retry:` field replaces it."),
    maxAttempts: z.number().int().min(1).max(1_000_000).optional().describe('Reopen attempts in a row before a stream gives up (default: no limit while the run holds).'),
  })
  .transform(({ retry, ...rest }) => ({ ...rest, retryUs: retry }));

const builtinBroadcast = z
  .strictObject({
    every: positiveDurationUs.describe('The built-in server sends one event to every stream this often.'),
    sizeBytes: z.number().int().min(64).max(65_535).default(200).describe("Size of each event's data in bytes."),
  })
  .transform(({ every, sizeBytes }) => ({ everyUs: every, sizeBytes }));

const faultsSpec = z
  .strictObject({
    dropAt: durationUs.optional().describe('The built-in server cuts every stream this long into the hold (once).'),
    history: z.number().int().min(0).max(1_000_000).optional().describe('Events the built-in server keeps to replay after Last-Event-ID (default 1,000).'),
  })
  .transform(({ dropAt, ...rest }) => ({ ...rest, ...(dropAt !== undefined ? { dropAtUs: dropAt } : {}) }));

export const DEFAULT_SSE_HISTORY = 1_000;

export const sseSchema = z
  .strictObject({
    target: builtinOrHttpUrl
      .prefault('builtin')
      .describe('"builtin" starts the built-in SSE server (one process per 15,000 streams) on 127.0.0.1; otherwise the http(s) URL of the event stream.'),
    connections: z.number().int().min(1).max(1_000_000).describe('Streams to open and hold; sharded over client processes of at most 15,000.'),
    connectRate: z.number().positive().max(100_000).default(5_000).describe('New streams per second during the ramp (open model; opens in flight are bounded).'),
    connectTimeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A stream without response headers by then fails as `timeout`.'),
    hold: durationUs.describe('How long every stream is held once the ramp is over ("0s": close at once).'),
    connect: connectOptions.optional(),
    tls: tlsSchema.optional(),
    method: z.enum(['GET', 'POST']).default('GET').describe('GET (EventSource) or POST with `body` (streaming APIs).'),
    body: bodyTemplate.optional().describe('POST body (templated per stream, {{conn}}); a JSON value is sent as JSON.'),
    reconnect: reconnectSpec.prefault({}),
    push: pushSpec.optional().describe("Events carrying a server timestamp (and sequence) in their `data` JSON; `event` matches the SSE event type, `match` a subset of the data."),
    broadcast: builtinBroadcast.optional().describe('Built-in target: one event to every stream each `every`.'),
    faults: faultsSpec.optional().describe('Built-in target: cut every stream once at `dropAt` and keep `history` events to replay.'),
  })
  .superRefine((sse, ctx) => {
    const issue = (path: string[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    if (sse.body !== undefined && sse.method !== 'POST') issue(['body'], '`body` needs `method: POST`');
    if (sse.target !== 'builtin') {
      if (sse.broadcast) issue(['broadcast'], '`broadcast` needs `target: builtin` (your own server decides what it sends)');
      if (sse.faults) issue(['faults'], '`faults` need `target: builtin`');
    } else if (sse.push) issue(['push'], '`push` is for your own server: the built-in target stamps its events itself');
    if (sse.push?.match && sse.push.match.pieces.some((piece) => !('text' in piece))) {
      issue(['push', 'match'], 'an SSE `match` is compared as written: it takes no `{{…}}` templates');
    }
    if (sse.faults?.dropAtUs !== undefined && sse.faults.dropAtUs >= sse.hold) issue(['faults', 'dropAt'], '`faults.dropAt` must fall inside `hold`');
  })
  .transform(({ connectRate, connectTimeout, hold, connect, ...rest }) => ({
    ...rest,
    connect: connect ?? { headers: {}, query: {} },
    connectRatePerSec: connectRate,
    connectTimeoutUs: connectTimeout,
    holdUs: hold,
  }))
  .describe('Server-Sent Events: many streams held open, events timed and sequenced, reconnects with Last-Event-ID.');

export type SseConfig = z.output<typeof sseSchema>;
export type SsePushSpec = NonNullable<SseConfig['push']>;
