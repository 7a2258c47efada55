import { z } from 'zod';
import type { Template } from '../template/template.js';
import { templateField } from './fields.js';

/** An HTTP header name (RFC 9110 token). */
export const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name');

/**
 * Why a header value would write CR or LF raw, when that is known at load: in its text or in an
 * `{{env.NAME}}` value (read at load; the value itself is a secret and is not shown). A CR/LF that
 * a row brings at send time fails that request instead (`webhook.errors.badHeader`).
 */
export function headerValueProblem(template: Template): string | undefined {
  for (const part of template.parts) {
    if (part.kind === 'text' && /[\r\n]/.test(part.text)) return 'a header value cannot span lines (it holds a CR or LF)';
    if (part.kind === 'env' && /[\r\n]/.test(part.value)) return `environment variable ${part.name} holds a CR or LF: a header value cannot span lines`;
  }
  return undefined;
}

/** A templated header value whose text and env values hold no CR or LF. */
export function headerTemplateField(variables: readonly string[]) {
  return templateField({ variables }).superRefine((template, ctx) => {
    const problem = headerValueProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Variables a webhook body or header template may use (besides uuid, env.*, row.* and the helpers). */
export const WEBHOOK_VARIABLES = ['id', 'seq', 'timestamp', 'timestampMs', 'isoTime'] as const;

/** `webhook.headers` / `targets[].headers`: header name -> template text (parsed by the webhook section, which knows about rows). */
export const headersText = z
  .record(headerName, z.string().regex(/^[^\r\n]*$/, 'a header value cannot span lines'))
  .refine((headers) => !Object.keys(headers).some((name) => /^(content-length|transfer-encoding|connection|host)$/i.test(name)), {
    message: 'content-length, transfer-encoding, connection and host are set by pushbench',
  })
  .describe('Extra request headers: name -> templated value (e.g. "Bearer {{env.TOKEN}}").');

/** An inclusive range of accepted status codes. */
export interface StatusRange {
  fromStatus: number;
  toStatus: number;
}

const statusEntry = z.union([
  z.number().int().min(100).max(599).transform((status): StatusRange => ({ fromStatus: status, toStatus: status })),
  z
    .string()
    .regex(/^[1-5]xx$/, 'expected a status code like 202 or a class like "2xx"')
    .transform((text): StatusRange => ({ fromStatus: Number(text[0]) * 100, toStatus: Number(text[0]) * 100 + 99 })),
], { error: 'expected a status code like 202 or a class like "2xx"' });

export const expectStatusSchema = z
  .array(statusEntry)
  .min(1)
  .prefault(['2xx'])
  .describe('Status codes counted as success: codes (202) or classes ("2xx"); default ["2xx"]. Anything else counts in webhook.errors.<class>.');

export const methodSchema = z.enum(['POST', 'PUT', 'PATCH']).default('POST');

/** A template over the webhook variables; `rows` when the payload comes from a file. */
export function webhookTemplate(rows: boolean) {
  return templateField({ variables: WEBHOOK_VARIABLES, rows });
}
