import { z } from 'zod';
import { builtinOrHttpUrl, builtinOrWsUrl, durationWithDefault, positiveDurationUs, durationUs } from './fields.js';
import { tlsSchema } from './tls-schema.js';
import { webhookSchema } from './webhook-schema.js';

/** A dotted field path ("data.object.id") into a JSON message, split once. */
const fieldPath = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dotted field path like "id" or "data.object.id"')
  .transform((path) => path.split('.'));

/** Steps each subscriber runs once connected, before it counts as held (and before the first webhook). */
const onOpenStep = z.union(
  [
    z.strictObject({ send: z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value) => (typeof value === 'string' ? value : JSON.stringify(value))) }),
    z.strictObject({
      emit: z.strictObject({
        event: z.string().min(1),
        data: z.unknown().optional().describe('The event argument (a JSON value).'),
      }),
    }),
  ],
  { error: 'expected { send: <text or JSON> } or { emit: { event, data } }' },
);

/** The protocols a pipeline subscriber speaks today (adapters of src/load/websocket/protocols/). */
export const PIPELINE_WS_PROTOCOLS = ['raw', 'socketio'] as const;

const websocketSubscribers = z
  .strictObject({
    target: builtinOrWsUrl.prefault('builtin').describe('"builtin": the reference backend\'s WebSocket endpoint; otherwise the ws(s) URL subscribers connect to.'),
    protocol: z.enum(PIPELINE_WS_PROTOCOLS).default('raw').describe('raw WebSocket text frames or Socket.IO 4.'),
    connections: z.number().int().min(1).max(5_000).describe('Subscribers to connect and hold (one process; each receives every event).'),
    connectRate: z.number().positive().max(10_000).default(500).describe('New subscribers per second while connecting.'),
    connectTimeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A subscriber not connected and through `onOpen` by then fails the run.'),
    connect: z
      .strictObject({
        headers: z.record(z.string(), z.string()).default({}).describe('Upgrade request headers.'),
        query: z.record(z.string(), z.string()).default({}).describe('Query parameters added to the URL.'),
      })
      .prefault({}),
    tls: tlsSchema.optional().describe('wss:// targets: custom CA, client certificate (mTLS), insecure, server name.'),
    onOpen: z.array(onOpenStep).max(20).default([]).describe('Sent by every subscriber once connected, before the first webhook.'),
    event: z.string().min(1).optional().describe('socketio: the event name of the pushes.'),
    match: z.record(z.string(), z.unknown()).optional().describe('raw: a JSON object every push contains (a subset match); other frames are ignored.'),
    reconnect: durationWithDefault('200ms').describe('Wait before a subscriber whose connection dropped connects again (it is not held meanwhile).'),
  })
  .superRefine((ws, ctx) => {
    if (ws.protocol === 'socketio' && ws.match) ctx.addIssue({ code: 'custom', path: ['match'], message: 'socketio pushes are matched by `event`' });
    if (ws.protocol === 'raw' && ws.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'raw pushes are matched by `match`' });
    if (ws.protocol === 'raw' && ws.onOpen.some((step) => 'emit' in step)) ctx.addIssue({ code: 'custom', path: ['onOpen'], message: '`emit` needs protocol socketio' });
    if (ws.protocol === 'socketio' && ws.onOpen.some((step) => 'send' in step)) ctx.addIssue({ code: 'custom', path: ['onOpen'], message: 'socketio sends events: use `emit`' });
  })
  .transform(({ connectRate, connectTimeout, reconnect, ...rest }) => ({
    ...rest,
    connectRatePerSec: connectRate,
    connectTimeoutUs: connectTimeout,
    reconnectUs: reconnect,
  }));

const sseSubscribers = z
  .strictObject({
    target: builtinOrHttpUrl.prefault('builtin').describe('"builtin": the reference backend\'s event stream; otherwise the http(s) URL of the event stream.'),
    connections: z.number().int().min(1).max(5_000).describe('Streams to open and hold (one process; each receives every event).'),
    connectRate: z.number().positive().max(10_000).default(500).describe('New streams per second while connecting.'),
    connectTimeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A stream without `200 text/event-stream` headers by then fails the run.'),
    connect: z
      .strictObject({
        headers: z.record(z.string(), z.string()).default({}).describe('Request headers.'),
        query: z.record(z.string(), z.string()).default({}).describe('Query parameters added to the URL.'),
      })
      .prefault({}),
    tls: tlsSchema.optional().describe('https:// targets: custom CA, client certificate (mTLS), insecure, server name.'),
    event: z.string().min(1).optional().describe('The SSE event type of the pushes ("message" when the server names none); default: every event.'),
    match: z.record(z.string(), z.unknown()).optional().describe("A JSON object every push's data contains (a subset match)."),
    reconnect: durationWithDefault('200ms').describe('Wait before a stream that ended is opened again (with Last-Event-ID); it is not held meanwhile.'),
  })
  .transform(({ connectRate, connectTimeout, reconnect, ...rest }) => ({
    ...rest,
    connectRatePerSec: connectRate,
    connectTimeoutUs: connectTimeout,
    reconnectUs: reconnect,
  }));

const faultsSpec = z
  .strictObject({
    backendRestart: z
      .strictObject({
        at: durationUs.describe('When the built-in backend stops, counted from the first webhook.'),
        for: positiveDurationUs.describe('How long it stays down before it listens again on the same port.'),
      })
      .transform(({ at, for: downFor }) => ({ atUs: at, forUs: downFor })),
  })
  .describe('Built-in backend: stop it (every connection cut, webhooks refused) at `at` for `for`, then start it again.');

export const pipelineSchema = z
  .strictObject({
    ingest: webhookSchema.describe('The webhooks into the backend: every field of `webhook` (target, signing, headers, payload, load).'),
    subscribers: z
      .strictObject({ websocket: websocketSubscribers.optional(), sse: sseSubscribers.optional() })
      .refine((subscribers) => (subscribers.websocket === undefined) !== (subscribers.sse === undefined), 'give one of `websocket` or `sse`')
      .describe('Who receives the pushes: `websocket` or `sse` subscribers.'),
    correlate: z
      .strictObject({
        ingest: fieldPath.default(['id']).describe('Field of the webhook body that identifies the event.'),
        push: fieldPath.default(['id']).describe('Field of the pushed message (socketio: its first argument) that carries the same value.'),
      })
      .prefault({}),
    drain: durationWithDefault('2s').describe('How long after the last webhook settles pushes may still arrive.'),
    faults: faultsSpec.optional(),
  })
  .superRefine((pipeline, ctx) => {
    const issue = (path: PropertyKey[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    const builtinIngest = pipeline.ingest.target === 'builtin';
    const kind = pipeline.subscribers.websocket ? 'websocket' : 'sse';
    const builtinPush = (pipeline.subscribers.websocket ?? pipeline.subscribers.sse)?.target === 'builtin';
    if (builtinIngest !== builtinPush) issue(['subscribers', kind, 'target'], '`target: builtin` goes on both sides (the reference backend takes the webhooks and pushes to its subscribers), or on neither');
    if (pipeline.ingest.targets) issue(['ingest', 'targets'], 'a pipeline sends to one backend: use `ingest.target`');
    if (pipeline.ingest.receiver) issue(['ingest', 'receiver'], '`receiver` faults are for the webhook receiver; a pipeline has `faults.backendRestart`');
    if (pipeline.ingest.load.warmupUs > 0) issue(['ingest', 'load', 'warmup'], 'a pipeline has no warm-up: every event sent is in the ledger');
    if (pipeline.faults && !builtinIngest) issue(['faults'], '`faults` need `target: builtin` (your own backend restarts when you restart it)');
    if (builtinPush && pipeline.subscribers.websocket && pipeline.subscribers.websocket.protocol !== 'raw') issue(['subscribers', 'websocket', 'protocol'], 'the built-in backend pushes raw WebSocket frames');
  })
  .transform(({ drain, ...rest }) => ({ ...rest, drainUs: drain }))
  .describe('Webhook in, push out: webhooks into a backend, its pushes to subscribers, each push matched to the webhook that caused it.');

export type PipelineConfig = z.output<typeof pipelineSchema>;
export type PipelineSubscribersConfig = NonNullable<PipelineConfig['subscribers']['websocket']>;
export type PipelineSseSubscribersConfig = NonNullable<PipelineConfig['subscribers']['sse']>;
