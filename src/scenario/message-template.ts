import { z } from 'zod';
import { pushText, type JsonPiece, type JsonTemplate } from '../template/json-template.js';
import { parseTemplateAt } from './fields.js';

/**
 * Message values of WebSocket scenarios, compiled once into JsonTemplates (src/template/json-template.ts).
 *
 * A value of any YAML type is encoded as JSON.stringify would encode it (as socket.io-client does
 * for `emit` arguments). Strings are templates and stay strings after rendering, with one
 * exception: a string that is exactly one `{{…}}` of a number variable (listed per use in
 * `numberVariables`, and `{{randInt A B}}`) becomes a JSON number.
 */
export interface JsonValueOptions {
  variables: readonly string[];
  numberVariables: readonly string[];
}

const jsonInput = z.union([z.string(), z.number(), z.boolean(), z.null(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {
  error: 'expected a JSON value: a string, number, boolean, null, object or array',
});

/** Any YAML value, templated inside its strings, rendered as JSON text. */
export function jsonValueField(options: JsonValueOptions) {
  return jsonInput.transform((value, ctx) => compileField(value, options, ctx));
}

/** A JSON object (a `match` pattern), templated inside its strings. */
export function jsonObjectField(options: JsonValueOptions) {
  return z.record(z.string(), z.unknown()).transform((value, ctx) => compileField(value, options, ctx));
}

function compileField(value: unknown, options: JsonValueOptions, ctx: z.RefinementCtx<unknown>): JsonTemplate {
  const pieces: JsonPiece[] = [];
  return compileValue(value, options, ctx, [], pieces) ? { pieces } : z.NEVER;
}

/**
 * A raw WebSocket message (`send`): a string is the frame's text as written (a template); any
 * other value is written out as JSON, as for `jsonValueField`.
 */
export function rawMessageField(options: JsonValueOptions) {
  return jsonInput.transform((value, ctx): JsonTemplate => {
    if (typeof value === 'string') {
      const template = parseTemplateAt(value, options, ctx, []);
      return template ? { pieces: [{ raw: template }] } : z.NEVER;
    }
    const pieces: JsonPiece[] = [];
    return compileValue(value, options, ctx, [], pieces) ? { pieces } : z.NEVER;
  });
}

/** Several values, each a JSON value: one Socket.IO argument list. */
export function jsonArgsField(options: JsonValueOptions) {
  return z.array(jsonInput).transform((values, ctx): JsonTemplate[] => {
    let ok = true;
    const out = values.map((value, index) => {
      const pieces: JsonPiece[] = [];
      ok = compileValue(value, options, ctx, [index], pieces) && ok;
      return { pieces };
    });
    return ok ? out : z.NEVER;
  });
}

const WHOLE_TAG = /^\{\{[^{}]*\}\}$/;

function compileValue(value: unknown, options: JsonValueOptions, ctx: z.RefinementCtx<unknown>, path: PropertyKey[], pieces: JsonPiece[]): boolean {
  if (typeof value === 'string') {
    const template = parseTemplateAt(value, options, ctx, path);
    if (!template) return false;
    if (template.parts.length === 0) pushText(pieces, '""');
    else if (template.parts.every((part) => part.kind === 'text')) pushText(pieces, JSON.stringify(value));
    else if (WHOLE_TAG.test(value) && isNumberPart(template.parts[0]!, options)) pieces.push({ raw: template });
    else pieces.push({ quoted: template });
    return true;
  }
  if (Array.isArray(value)) {
    pushText(pieces, '[');
    let ok = true;
    value.forEach((item, index) => {
      if (index > 0) pushText(pieces, ',');
      ok = compileValue(item, options, ctx, [...path, index], pieces) && ok;
    });
    pushText(pieces, ']');
    return ok;
  }
  if (value !== null && typeof value === 'object') {
    pushText(pieces, '{');
    let ok = true;
    Object.entries(value).forEach(([key, item], index) => {
      pushText(pieces, `${index > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      ok = compileValue(item, options, ctx, [...path, key], pieces) && ok;
    });
    pushText(pieces, '}');
    return ok;
  }
  pushText(pieces, JSON.stringify(value));
  return true;
}

function isNumberPart(part: { kind: string; name?: string }, options: JsonValueOptions): boolean {
  return part.kind === 'randInt' || (part.kind === 'var' && options.numberVariables.includes(part.name!));
}
