import { z } from 'zod';
import { builtinOrWsUrl, durationUs, durationWithDefault, positiveDurationUs, templateField } from './fields.js';
import { HANDSHAKE_FIELDS, WS_PROTOCOL_FORMS } from './ws-protocols.js';
import { headerName, headerTemplateField, headerValueProblem } from './request-schema.js';
import type { Template } from '../template/template.js';
import { jsonArgsField, jsonObjectField, jsonValueField, rawMessageField, type JsonValueOptions } from './message-template.js';
import { tlsSchema } from './tls-schema.js';

const CONNECT_VARIABLES = ['conn'];
const MESSAGE_VARIABLES = ['conn', 'seq'];
const REQUEST_VARIABLES = ['conn', 'requestId', 'sentAtUs'];
const TRIGGER_VARIABLES = ['broadcastId'];
/** Message values: a whole-string `{{…}}` of one of these becomes a JSON number (docs/websocket-servers.md). */
const MESSAGE_VALUES: JsonValueOptions = { variables: MESSAGE_VARIABLES, numberVariables: ['conn', 'seq'] };
const REQUEST_VALUES: JsonValueOptions = { variables: REQUEST_VARIABLES, numberVariables: ['conn', 'sentAtUs'] };
const MATCH_STEP_VALUES: JsonValueOptions = { variables: MESSAGE_VARIABLES, numberVariables: ['conn', 'seq'] };
const MATCH_VALUES: JsonValueOptions = { variables: CONNECT_VARIABLES, numberVariables: ['conn'] };

/** A message body: text as written, or a JSON value written out as JSON; either way a template. */
function messageTemplate(variables: string[]) {
  return z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .transform((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .pipe(templateField({ variables }));
}

/** A JSON object written out as JSON text, then a template (graphql-ws variables and init payload). */
function jsonObjectTemplate(variables: string[]) {
  return z
    .record(z.string(), z.unknown())
    .transform((value) => JSON.stringify(value))
    .pipe(templateField({ variables }));
}

/** A dotted field path ("data.id") into a JSON message, split once. */
const fieldPath = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dotted field path like "id" or "data.sentAt"')
  .transform((path) => path.split('.'));

const matchObject = (values: JsonValueOptions) =>
  jsonObjectField(values).describe('A JSON object every matching message contains (a subset match); its strings are templates.');

/** `emit: { event, data | args, ack }`, written out as socket.io-client writes `socket.emit(event, ...args)`; `args` is the argument list (`data` is one argument). */
const emitSpec = (values: JsonValueOptions) =>
  z
    .strictObject({
      event: z.string().min(1),
      data: jsonValueField(values).optional().describe('The event argument: any JSON value (strings templated).'),
      args: jsonArgsField(values).optional().describe('Several event arguments, in order (instead of `data`).'),
      ack: z.boolean().default(false).describe('Ask the server for an acknowledgement (Socket.IO ack id).'),
    })
    .refine((emit) => emit.data === undefined || emit.args === undefined, { path: ['args'], message: 'give `data` (one argument) or `args` (several), not both' })
    .transform(({ data, args, ...rest }) => ({ ...rest, args: args ?? (data === undefined ? [] : [data]) }));

const expectStep = z.strictObject({
  match: matchObject(MATCH_STEP_VALUES).optional(),
  event: z.string().min(1).optional(),
  timeout: durationWithDefault('5s').refine((us) => us > 0, 'must be longer than 0'),
});

const qos = z.union([z.literal(0), z.literal(1)], { error: 'expected qos 0 or 1' });

const subscribeStep = z
  .strictObject({
    query: templateField({ variables: MESSAGE_VARIABLES }).optional().describe('graphql-ws: the subscription document (templated).'),
    variables: jsonObjectTemplate(MESSAGE_VARIABLES).optional().describe('graphql-ws: the operation variables, a JSON object (templated).'),
    topic: templateField({ variables: MESSAGE_VARIABLES }).optional().describe('mqtt: the topic filter (templated; + and # wildcards).'),
    qos: qos.optional().describe('mqtt: the maximum QoS asked for (0 or 1; default 0).'),
  })
  .describe('graphql-ws: { query, variables }, held at once; mqtt: { topic, qos }, done at its SUBACK.');

const step = z.union([
  z.strictObject({ send: rawMessageField(MESSAGE_VALUES) }),
  z.strictObject({ emit: emitSpec(MESSAGE_VALUES) }),
  z.strictObject({ expect: expectStep }),
  z.strictObject({ subscribe: subscribeStep }),
], { error: stepError });

const STEP_HINT = 'expected a step: { send: ... }, { emit: { event, data | args, ack } }, { subscribe: ... } or { expect: { match | event, timeout } }';

/** A step of a known kind with a bad inside says what is wrong inside it, not only that no kind fitted. */
function stepError(issue: { code?: string; errors?: z.core.$ZodIssue[][] }): string {
  if (issue.code !== 'invalid_union' || !issue.errors) return STEP_HINT;
  const ofItsKind = issue.errors.find((issues) => issues.length > 0 && issues.every((inner) => inner.path.length > 0 && inner.code !== 'unrecognized_keys'));
  const inner = ofItsKind?.[0];
  return inner ? `${inner.path.map(String).join('.')}: ${inner.message}` : STEP_HINT;
}

const connectOptions = z
  .strictObject({
    headers: z.record(headerName, headerTemplateField(CONNECT_VARIABLES)).default({}).describe('Upgrade request headers (templated, per connection).'),
    query: z.record(z.string(), templateField({ variables: CONNECT_VARIABLES })).default({}).describe('Query parameters added to the URL (templated, per connection).'),
    subprotocols: z.array(z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'not a valid subprotocol token')).default([]),
    initPayload: jsonObjectTemplate(CONNECT_VARIABLES).optional().describe('graphql-ws: the connection_init payload, a JSON object (templated, per connection).'),
    clientId: templateField({ variables: CONNECT_VARIABLES }).optional().describe('mqtt: the CONNECT client identifier (templated; default empty: the broker assigns one).'),
    username: templateField({ variables: CONNECT_VARIABLES }).optional().describe('mqtt: the CONNECT user name (templated).'),
    password: templateField({ variables: CONNECT_VARIABLES }).optional().describe('mqtt: the CONNECT password (templated; e.g. "{{env.MQTT_PASSWORD}}").'),
    keepalive: z.number().int().min(0).max(65_535).optional().describe('mqtt: the keep alive in seconds (default 60; 0: none); a PINGREQ goes every keepalive/2.'),
    protocolVersion: z.union([z.literal(4), z.literal(5)], { error: 'expected protocolVersion 4 (MQTT 3.1.1) or 5 (MQTT 5)' }).optional().describe('mqtt: 4 (MQTT 3.1.1, default) or 5 (MQTT 5).'),
  })
  .describe('How each connection upgrades (headers, query, subprotocols) and the protocol handshake fields (graphql-ws: initPayload; mqtt: clientId, username, password, keepalive, protocolVersion).');

const requestSpec = z
  .strictObject({
    rate: z.number().positive().max(100).describe('Requests per connection per second (open model; RTT from the intended send time).'),
    send: rawMessageField(REQUEST_VALUES).optional(),
    correlate: fieldPath.optional().describe('Field of the reply that equals the request id ({{requestId}}).'),
    emit: emitSpec(REQUEST_VALUES).optional(),
    publish: z
      .strictObject({
        topic: templateField({ variables: REQUEST_VARIABLES }).describe('mqtt: the topic to publish to (templated).'),
        payload: messageTemplate(REQUEST_VARIABLES).describe('The message: text, or a JSON value written out as JSON (templated).'),
        qos: qos.default(0).describe('0: sent and counted, no reply; 1: the PUBACK is the reply (RTT sample).'),
      })
      .optional()
      .describe('mqtt: one PUBLISH per request.'),
    timeout: durationWithDefault('5s').refine((us) => us > 0, 'must be longer than 0'),
  })
  .transform(({ rate, timeout, ...rest }) => ({ ...rest, ratePerConnection: rate, timeoutUs: timeout }));

export const pushSpec = z
  .strictObject({
    match: matchObject(MATCH_VALUES).optional(),
    event: z.string().min(1).optional(),
    sentAt: fieldPath.describe('Field holding the wall-clock time the server sent the message.'),
    sentAtUnit: z.enum(['ms', 'us']).default('ms'),
    seq: fieldPath.optional().describe('Field holding the per-connection sequence number (gaps, duplicates, reordering).'),
  })
  .transform(({ sentAt, seq, ...rest }) => ({ ...rest, sentAtPath: sentAt, ...(seq ? { seqPath: seq } : {}) }));

const builtinBroadcast = z
  .strictObject({
    every: positiveDurationUs.describe('The built-in server sends one frame to every connection this often.'),
    sizeBytes: z.number().int().min(16).max(65_535).default(200).describe('Frame payload size in bytes.'),
  })
  .transform(({ every, sizeBytes }) => ({ kind: 'builtin' as const, everyUs: every, sizeBytes }));

const triggerSpec = z.strictObject({
  url: templateField({ variables: TRIGGER_VARIABLES }).describe('HTTP(S) URL pushbench calls to make the server broadcast.'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
  // Checked for CR/LF by the section (checkTriggerHeaders), not here: a problem inside this form would lose the broadcast union to the built-in form's message.
  headers: z.record(headerName, templateField({ variables: TRIGGER_VARIABLES })).default({}),
  body: messageTemplate(TRIGGER_VARIABLES).optional(),
});

const triggeredBroadcast = z
  .strictObject({
    every: positiveDurationUs.describe('How often pushbench calls the trigger.'),
    trigger: triggerSpec,
    match: matchObject(MATCH_VALUES).optional(),
    event: z.string().min(1).optional(),
    id: fieldPath.describe('Field of the broadcast message (socketio: of its first argument) that carries {{broadcastId}}.'),
  })
  .transform(({ every, id, ...rest }) => ({ kind: 'triggered' as const, everyUs: every, idPath: id, ...rest }));

export const websocketSchema = z
  .strictObject({
    target: builtinOrWsUrl.prefault('builtin'),
    protocol: z
      .string()
      .default('raw')
      .superRefine((name, ctx) => {
        if (!(name in WS_PROTOCOL_FORMS)) ctx.addIssue({ code: 'custom', message: `unknown protocol adapter "${name}"; known: ${Object.keys(WS_PROTOCOL_FORMS).join(', ')}` });
      })
      .describe('How messages are framed: raw (text/JSON frames), socketio (Engine.IO 4 / Socket.IO 4 over WebSocket), graphql-ws (graphql-transport-ws) or mqtt (MQTT 3.1.1/5 over WebSocket).'),
    namespace: z.string().regex(/^\/\S*$/, 'expected a namespace like "/chat"').optional().describe('socketio: the namespace to join (default "/").'),
    connect: connectOptions.optional(),
    tls: tlsSchema.optional(),
    connections: z.number().int().min(1).max(1_000_000).describe('Connections to open and hold; sharded over client processes of at most 15,000.'),
    connectRate: z.number().positive().max(100_000).default(5_000).describe('New connections per second during the ramp (open model; connects in flight are bounded).'),
    connectTimeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A connection not upgraded (and, with onOpen steps, ready) by then fails as `timeout`.'),
    hold: durationUs.describe('How long every connection is held once the ramp is over ("0s": close at once).'),
    onOpen: z.array(step).default([]).describe('Steps run after the handshake; a connection is held only once they succeed.'),
    echo: z
      .strictObject({
        rate: z.number().positive().max(100).describe('Messages per connection per second; the server echoes each; RTT counts from the intended send time.'),
        sizeBytes: z.number().int().min(16).max(65_535).default(128).describe('Message size in bytes.'),
      })
      .transform(({ rate, sizeBytes }) => ({ ratePerConnection: rate, sizeBytes }))
      .optional(),
    request: requestSpec.optional(),
    push: pushSpec.optional(),
    broadcast: z
      .union([builtinBroadcast, triggeredBroadcast], { error: 'expected { every, sizeBytes } (built-in server) or { every, trigger, match | event, id }' })
      .optional(),
  })
  .superRefine((websocket, ctx) => {
    checkForms(websocket, ctx);
    checkTriggerHeaders(websocket.broadcast, ctx);
  })
  .transform(({ connectRate, connectTimeout, hold, connect, ...rest }) => ({
    ...rest,
    connect: connect ?? { headers: {}, query: {}, subprotocols: [] },
    connectRatePerSec: connectRate,
    connectTimeoutUs: connectTimeout,
    holdUs: hold,
  }));

interface FormsInput {
  target: 'builtin' | URL;
  protocol: string;
  namespace?: string | undefined;
  connect?: Record<string, unknown> | undefined;
  onOpen: Array<{ send: unknown } | { emit: unknown } | { expect: { match?: unknown; event?: string | undefined } } | { subscribe: Record<string, unknown> }>;
  echo?: unknown;
  request?: { send?: unknown; emit?: unknown; publish?: unknown; correlate?: string[] | undefined } | undefined;
  push?: { match?: unknown; event?: string | undefined } | undefined;
  broadcast?: { kind: 'builtin' } | { kind: 'triggered'; match?: unknown; event?: string | undefined } | undefined;
}

/** Each message and match uses its adapter's form: `send`/`match` under raw, `emit`/`event` under socketio. */
function checkForms(websocket: FormsInput, ctx: z.RefinementCtx): void {
  const forms = WS_PROTOCOL_FORMS[websocket.protocol];
  if (!forms) return;
  const issue = (path: (string | number)[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
  const { protocol } = websocket;
  const checkMatching = (path: (string | number)[], spec: { match?: unknown; event?: string | undefined }): void => {
    const has = forms.matching === 'match' ? spec.match !== undefined : spec.event !== undefined;
    const other = forms.matching === 'match' ? 'event' : 'match';
    if ((forms.matching === 'match' ? spec.event : spec.match) !== undefined) issue([...path, other], `\`${other}\` does not apply to protocol ${protocol}; use \`${forms.matching}\``);
    else if (!has) issue(path, `needs \`${forms.matching}\` under protocol ${protocol}`);
  };
  websocket.onOpen.forEach((entry, index) => {
    if ('send' in entry && forms.messages !== 'send') issue(['onOpen', index, 'send'], `\`send\` does not apply to protocol ${protocol}; use \`${forms.messages}\``);
    if ('emit' in entry && forms.messages !== 'emit') issue(['onOpen', index, 'emit'], `\`emit\` does not apply to protocol ${protocol}; use \`${forms.messages}\``);
    if ('expect' in entry) checkMatching(['onOpen', index, 'expect'], entry.expect);
    if ('subscribe' in entry) checkSubscribe(websocket.protocol, entry.subscribe, ['onOpen', index, 'subscribe'], issue);
  });
  checkHandshake(websocket.protocol, websocket.connect, issue);
  const { request } = websocket;
  if (request && !forms.requests) issue(['request'], `protocol ${protocol} has no requests`);
  else if (request) {
    const requests = forms.requests!;
    for (const form of ['send', 'emit', 'publish'] as const) {
      if (request[form] && requests !== form) issue(['request', form], `\`${form}\` does not apply to protocol ${protocol}; use \`${requests}\``);
    }
    if (!request[requests]) issue(['request'], `needs \`${requests}\``);
    if (request.send && !request.correlate) issue(['request', 'correlate'], '`send` requests need `correlate`: the reply field that equals {{requestId}}');
    if (request.emit && request.correlate) issue(['request', 'correlate'], '`correlate` does not apply to `emit` requests: the Socket.IO ack is the reply');
    if (request.emit && (request.emit as { ack: boolean }).ack !== true) issue(['request', 'emit', 'ack'], 'an `emit` request needs `ack: true` (the ack is the reply)');
  }
  if (websocket.push) checkMatching(['push'], websocket.push);
  const { broadcast } = websocket;
  if (broadcast?.kind === 'builtin' && websocket.target !== 'builtin') issue(['broadcast'], '`broadcast: { every, sizeBytes }` needs `target: builtin`; against your server use `trigger`, `match` or `event`, and `id`');
  if (broadcast?.kind === 'triggered') checkMatching(['broadcast'], broadcast);
  if (websocket.echo && websocket.protocol !== 'raw') issue(['echo'], '`echo` needs protocol raw (the built-in server echoes binary frames)');
  if (websocket.namespace && websocket.protocol !== 'socketio') issue(['namespace'], '`namespace` applies to protocol socketio');
}

/** A triggered broadcast's header values hold no CR or LF, said at the header itself (as for webhook and connect headers). */
function checkTriggerHeaders(broadcast: { kind: string; trigger?: { headers: Record<string, Template> } } | undefined, ctx: z.RefinementCtx): void {
  for (const [name, template] of Object.entries(broadcast?.trigger?.headers ?? {})) {
    const problem = headerValueProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', path: ['broadcast', 'trigger', 'headers', name], message: problem });
  }
}

type Issue = (path: (string | number)[], message: string) => void;

/** A `subscribe` step exists only where the protocol has one, with the fields it needs and no other protocol's. */
function checkSubscribe(protocol: string, subscribe: Record<string, unknown>, path: (string | number)[], issue: Issue): void {
  const needed = WS_PROTOCOL_FORMS[protocol]?.subscribe;
  if (!needed) return issue(path, `\`subscribe\` does not apply to protocol ${protocol}`);
  const allowed = protocol === 'mqtt' ? ['topic', 'qos'] : ['query', 'variables'];
  for (const field of needed) if (subscribe[field] === undefined) issue([...path, field], `needs \`${field}\` under protocol ${protocol}`);
  for (const field of Object.keys(subscribe)) {
    if (subscribe[field] !== undefined && !allowed.includes(field)) issue([...path, field], `\`${field}\` does not apply to protocol ${protocol}`);
  }
}

/** Handshake fields of `connect` belong to one protocol each. */
function checkHandshake(protocol: string, connect: Record<string, unknown> | undefined, issue: Issue): void {
  const own = WS_PROTOCOL_FORMS[protocol]?.handshake ?? [];
  for (const field of HANDSHAKE_FIELDS) {
    if (connect?.[field] !== undefined && !own.includes(field)) issue(['connect', field], `\`${field}\` does not apply to protocol ${protocol}`);
  }
}

export type WebsocketConfig = z.output<typeof websocketSchema>;
export type WsStep = WebsocketConfig['onOpen'][number];
export type WsRequestSpec = NonNullable<WebsocketConfig['request']>;
export type WsPushSpec = NonNullable<WebsocketConfig['push']>;
export type WsBroadcastSpec = NonNullable<WebsocketConfig['broadcast']>;
export type WsTriggeredBroadcast = Extract<WsBroadcastSpec, { kind: 'triggered' }>;
