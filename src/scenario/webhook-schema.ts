import { tlsSchema } from './tls-schema.js';
import { z } from 'zod';
import type { Template } from '../template/template.js';
import { builtinOrHttpUrl, durationWithDefault, httpUrl, parseTemplateAt, webhookSecret } from './fields.js';
import { loadSchema } from './load-schema.js';
import { expectStatusSchema, headersText, headerValueProblem, methodSchema, WEBHOOK_VARIABLES } from './request-schema.js';
import { signingSchema, type SigningConfig } from './signing-schema.js';

const receiverFaults = z
  .strictObject({
    latency: durationWithDefault('0ms').describe('Added before the built-in receiver answers.'),
    errorRate: z.number().min(0).max(1).default(0).describe('Fraction of requests answered with `errorStatus` (0..1).'),
    errorStatus: z.number().int().min(400).max(599).default(500),
  })
  .transform(({ latency, ...rest }) => ({ ...rest, latencyUs: latency }))
  .describe('Faults the built-in receiver injects.');

const DEFAULT_SIZE_BYTES = 512;

const payloadSection = z
  .strictObject({
    sizeBytes: z
      .number()
      .int()
      .min(128)
      .max(1_048_576)
      .optional()
      .describe('Exact body size of the built-in body (default 512); with a template or file, bodies are padded with trailing spaces up to it only when given.'),
    template: z.string().optional().describe('The body: a template over {{id}}, {{seq}}, {{timestamp}}, {{timestampMs}}, {{isoTime}}, {{uuid}}, {{env.NAME}}, {{row.FIELD}}, {{randInt A B}}, {{randString N}}.'),
    file: z.string().min(1).optional().describe('Sample events: a .json file (one event), a .jsonl file (one per line) or a folder of .json files; relative to the scenario file.'),
    order: z.enum(['sequential', 'random', 'circular']).default('sequential').describe('Which row each event uses: in order once (events past the last row are not sent), seeded random, or in order wrapping around.'),
  })
  .prefault({});

/** Names of the totals' own metrics and counters under `webhook.`: a target named so would mix with them. */
const RESERVED_TARGET_NAMES = ['ok', 'errors', 'sent', 'latency', 'delivery', 'payload', 'queued', 'scheduled', 'unfinished', 'connections', 'bytesSent'];

const targetEntry = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'use letters, digits, "_" and "-" (it names metrics: webhook.<name>.latency)')
    .refine((name) => !RESERVED_TARGET_NAMES.includes(name), { message: `a target cannot be named ${RESERVED_TARGET_NAMES.join(', ')} (names of webhook.* totals)` }),
  url: httpUrl,
  weight: z.number().positive().default(1).describe('Share of events, relative to the other targets.'),
  headers: headersText.optional(),
  signing: signingSchema.optional(),
});

export const webhookSchema = z
  .strictObject({
    target: builtinOrHttpUrl.optional(),
    targets: z.array(targetEntry).min(1).max(32).optional().describe('Several endpoints, exclusive with `target`: events split by weight (seeded).'),
    secret: webhookSecret.optional().describe('Shorthand for `signing: { scheme: standard-webhooks, secret }`.'),
    signing: signingSchema.optional(),
    method: methodSchema,
    headers: headersText.optional(),
    expectStatus: expectStatusSchema,
    payload: payloadSection,
    timeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A request with no complete response by then is a timeout error.'),
    receiver: receiverFaults.optional(),
    tls: tlsSchema.optional(),
    load: loadSchema,
  })
  .superRefine((webhook, ctx) => {
    if (webhook.targets && webhook.target !== undefined) ctx.addIssue({ code: 'custom', path: ['targets'], message: '`targets` and `target` exclude each other' });
    if (webhook.receiver && webhook.target !== 'builtin' && webhook.target !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['receiver'], message: '`receiver` faults need `target: builtin`' });
    }
    if (webhook.receiver && webhook.targets) ctx.addIssue({ code: 'custom', path: ['receiver'], message: '`receiver` faults need `target: builtin`, not `targets`' });
    if (webhook.secret && webhook.signing) ctx.addIssue({ code: 'custom', path: ['secret'], message: '`secret` is shorthand for `signing`; give one of them' });
    const names = webhook.targets?.map((target) => target.name) ?? [];
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', path: ['targets', index, 'name'], message: `target name "${name}" is used twice` });
    });
  })
  .transform(({ timeout, secret, signing, headers, payload, targets, target, ...rest }, ctx) => {
    const rows = payload.file !== undefined;
    const options = { variables: WEBHOOK_VARIABLES, rows };
    const parseHeaders = (text: Record<string, string> | undefined, path: PropertyKey[]): HeaderTemplate[] =>
      Object.entries(text ?? {}).flatMap(([name, value]) => {
        const template = parseTemplateAt(value, options, ctx, [...path, name]);
        const problem = template && headerValueProblem(template);
        if (problem) ctx.addIssue({ code: 'custom', path: [...path, name], message: problem });
        return template && !problem ? [{ name, template }] : [];
      });
    const template = payload.template === undefined ? undefined : parseTemplateAt(payload.template, options, ctx, ['payload', 'template']);
    const resolvedSigning: SigningConfig | undefined = signing ?? (secret ? { scheme: 'standard-webhooks', secret } : undefined);
    return {
      ...rest,
      target: target ?? (targets ? undefined : ('builtin' as const)),
      ...(targets
        ? {
            targets: targets.map((entry, index) => ({
              ...entry,
              headers: parseHeaders(entry.headers, ['targets', index, 'headers']),
              signing: entry.signing ?? resolvedSigning,
            })),
          }
        : {}),
      ...(resolvedSigning ? { signing: resolvedSigning } : {}),
      headers: parseHeaders(headers, ['headers']),
      payload: {
        order: payload.order,
        ...(payload.file !== undefined ? { file: payload.file } : {}),
        ...(template ? { template } : {}),
        sizeBytes: payload.sizeBytes ?? (template || rows ? undefined : DEFAULT_SIZE_BYTES),
        /** Filled from `file` by the loader (relative to the scenario file). */
        rows: undefined as unknown[] | undefined,
      },
      timeoutUs: timeout,
    };
  });

/** One extra request header: its name and its parsed value. */
export interface HeaderTemplate {
  name: string;
  template: Template;
}

export type WebhookConfig = z.output<typeof webhookSchema>;
export type WebhookTargetConfig = NonNullable<WebhookConfig['targets']>[number];
export type PayloadConfig = WebhookConfig['payload'];
export type ReceiverFaults = z.output<typeof receiverFaults>;
