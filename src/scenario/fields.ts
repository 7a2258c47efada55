import { z } from 'zod';
import { isConstant, parseTemplate, TemplateError, type ParseTemplateOptions, type Template } from '../template/template.js';
import { rememberSecret } from '../template/secrets.js';
import { DURATION_PATTERN, parseDurationUs } from './duration.js';

/**
 * The building blocks of the scenario schema. Each parses text once into what the run uses:
 * durations into integer microseconds, URLs into URL objects, templates into parsed templates.
 */

const DURATION_HINT = 'expected a duration with units, like "500ms", "20s" or "1m30s"';

/** A duration with units, resolved to integer microseconds. */
export const durationUs = z
  .string({ error: DURATION_HINT })
  .regex(new RegExp(DURATION_PATTERN), DURATION_HINT)
  .transform((text) => parseDurationUs(text)!)
  .describe('A duration with units: us, ms, s, m, h (e.g. "500ms", "20s", "1m30s").');

export const positiveDurationUs = durationUs.refine((us) => us > 0, 'must be longer than 0');

/** A duration field with a default given as text (parsed like any other value). */
export function durationWithDefault(text: string) {
  return durationUs.prefault(text);
}

export const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected a Standard Webhooks secret: "whsec_" followed by base64')
  .transform((secret) => rememberSecret(secret))
  .describe('Standard Webhooks signing secret (whsec_<base64 key>). Omit to send unsigned requests.');

/**
 * An http(s) URL, which may read the environment (`http://127.0.0.1:{{env.PORT}}/hook`), resolved
 * once at load and parsed.
 */
export const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, 'expected an http:// or https:// URL')
  .transform((text, ctx) => {
    const template = parseTemplateAt(text, { variables: [] }, ctx, []);
    if (!template) return z.NEVER;
    if (!isConstant(template)) {
      ctx.addIssue({ code: 'custom', message: 'a URL may only use {{env.NAME}}' });
      return z.NEVER;
    }
    return template.parts.map((part) => (part.kind === 'text' ? part.text : part.kind === 'env' ? part.value : '')).join('');
  })
  .pipe(z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http:// or https:// URL').transform(toUrl));

/** "builtin" or an http(s) URL, parsed. */
export const builtinOrHttpUrl = z
  .union([z.literal('builtin'), httpUrl], { error: 'expected "builtin" or an http:// or https:// URL' })
  .describe('"builtin" starts the built-in receiver on 127.0.0.1 for the run; otherwise the URL events are POSTed to.');

/** "builtin" or a ws(s) URL, parsed. */
export const builtinOrWsUrl = z
  .union([z.literal('builtin'), z.string().regex(/^wss?:\/\/[^\s/]+/).transform(toUrl)], { error: 'expected "builtin" or a ws:// or wss:// URL' })
  .describe('"builtin" starts the built-in ws server (one process per 15,000 connections) on 127.0.0.1; otherwise the URL to connect to.');

function toUrl(text: string, ctx: z.RefinementCtx<string>): URL {
  try {
    return new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a valid URL` });
    return z.NEVER;
  }
}

export const fraction = z.number().min(0).max(1);

export const burstSection = z
  .strictObject({
    every: positiveDurationUs.describe('Length of one burst period.'),
    for: positiveDurationUs.describe('How long the burst lasts, at the end of each period.'),
    multiplier: z.number().min(1).max(1000).describe('Rate during the burst = rate x multiplier.'),
  })
  .refine((burst) => burst.for < burst.every, { path: ['for'], message: '`burst.for` must be shorter than `burst.every`' })
  .transform((burst) => ({ periodUs: burst.every, burstUs: burst.for, multiplier: burst.multiplier }));

export type BurstSpec = z.output<typeof burstSection>;

/**
 * A template field: text in the scenario, a parsed Template in the resolved scenario. Unknown
 * variables or helpers and unset environment variables are errors at load, located at the field.
 */
export function templateField(options: Omit<ParseTemplateOptions, 'env'>) {
  return z.string().transform((text, ctx): Template => parseTemplateAt(text, options, ctx, []) ?? z.NEVER);
}

/**
 * Parses template text inside a transform whose options depend on sibling fields (e.g. `row.*`
 * only with a payload file); a problem becomes an issue at `path`, relative to the transformed value.
 */
export function parseTemplateAt(
  text: string,
  options: Omit<ParseTemplateOptions, 'env'>,
  ctx: z.RefinementCtx<unknown>,
  path: PropertyKey[],
): Template | undefined {
  try {
    const template = parseTemplate(text, options);
    for (const part of template.parts) if (part.kind === 'env') rememberSecret(part.value);
    return template;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    ctx.addIssue({ code: 'custom', path: path as (string | number)[], message: error.message });
    return undefined;
  }
}
