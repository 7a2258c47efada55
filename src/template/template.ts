/**
 * The small template language of scenarios: `{{name}}`, with optional spaces inside the braces.
 * A template is parsed once, when the scenario loads, into plain data (`Template`) that crosses
 * process boundaries; `bindTemplate` turns it into a render function for one use (webhook bodies,
 * header values, signing content, WebSocket messages...). Nothing re-reads template text per request.
 *
 *   {{seq}} {{id}} {{timestamp}}      a variable of the use (each use names the ones it offers)
 *   {{env.NAME}}                      read from the environment at load; unset is an error
 *   {{row.FIELD}}                     a field of the current feed row (uses with a feed only)
 *   {{uuid}}                          a seeded version-4 UUID
 *   {{randInt A B}}                   a seeded integer in [A, B]
 *   {{randString N}}                  N seeded characters of [a-z0-9]
 */

/** One piece of a parsed template. `env` parts carry their value, read once at load. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'env'; name: string; value: string }
  | { kind: 'row'; field: string }
  | { kind: 'uuid' }
  | { kind: 'randInt'; min: number; max: number }
  | { kind: 'randString'; length: number };

/** A parsed template: its source text (for display) and its parts. Plain data: safe to send over IPC. */
export interface Template {
  source: string;
  parts: TemplatePart[];
}

/** A template problem, with the character offset in the template text where it starts. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ParseTemplateOptions {
  /** The variables this use offers (besides env.*, uuid and the helpers). */
  variables: readonly string[];
  /** Whether `{{row.FIELD}}` is allowed (the use has a feed). */
  rows?: boolean;
  /** Where `{{env.NAME}}` is read from; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAX_RAND_STRING = 65_536;

/** Parses template text; throws TemplateError on the first unknown variable, helper or bad argument. */
export function parseTemplate(source: string, options: ParseTemplateOptions): Template {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const offset = match.index;
    if (offset > last) parts.push({ kind: 'text', text: source.slice(last, offset) });
    parts.push(parseTag(match[1] ?? '', offset, options));
    last = offset + match[0].length;
  }
  if (last < source.length) parts.push({ kind: 'text', text: source.slice(last) });
  const unclosed = source.indexOf('{{', last);
  if (unclosed >= 0) throw new TemplateError('"{{" is never closed with "}}"', unclosed);
  return { source, parts: mergeText(parts) };
}

function parseTag(inner: string, offset: number, options: ParseTemplateOptions): TemplatePart {
  const words = inner.split(/\s+/).filter(Boolean);
  const [name = '', ...args] = words;
  if (name === '') throw new TemplateError('empty {{ }}', offset);
  const noArgs = (): void => {
    if (args.length > 0) throw new TemplateError(`{{${name}}} takes no arguments`, offset);
  };
  if (name === 'randInt') {
    const [min, max] = args.map(Number);
    if (args.length !== 2 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min! > max!) {
      throw new TemplateError('expected {{randInt A B}} with whole numbers A <= B', offset);
    }
    return { kind: 'randInt', min: min!, max: max! };
  }
  if (name === 'randString') {
    const length = Number(args[0]);
    if (args.length !== 1 || !Number.isInteger(length) || length < 1 || length > MAX_RAND_STRING) {
      throw new TemplateError(`expected {{randString N}} with N from 1 to ${MAX_RAND_STRING}`, offset);
    }
    return { kind: 'randString', length };
  }
  noArgs();
  if (name === 'uuid') return { kind: 'uuid' };
  if (name.startsWith('env.')) {
    const variable = name.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new TemplateError(`"${name}" is not an environment variable name`, offset);
    const value = (options.env ?? process.env)[variable];
    if (value === undefined) throw new TemplateError(`environment variable ${variable} is not set`, offset);
    return { kind: 'env', name: variable, value };
  }
  if (name.startsWith('row.')) {
    if (!options.rows) throw new TemplateError(`{{${name}}}: this field has no feed rows (rows come from payload.file)`, offset);
    return { kind: 'row', field: name.slice(4) };
  }
  if (options.variables.includes(name)) return { kind: 'var', name };
  const known = [...options.variables, 'uuid', 'env.NAME', ...(options.rows ? ['row.FIELD'] : []), 'randInt A B', 'randString N'];
  throw new TemplateError(`unknown variable or helper {{${name}}} (known here: ${known.join(', ')})`, offset);
}

function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const merged: TemplatePart[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    if (part.kind === 'text' && previous?.kind === 'text') previous.text += part.text;
    else merged.push(part.kind === 'text' ? { ...part } : part);
  }
  return merged;
}

/** A template with no tags renders to its text; this says whether it is one. */
export function isConstant(template: Template): boolean {
  return template.parts.every((part) => part.kind === 'text' || part.kind === 'env');
}

/** The names of the `var` parts a template uses. */
export function variablesUsed(template: Template): Set<string> {
  return new Set(template.parts.flatMap((part) => (part.kind === 'var' ? [part.name] : [])));
}

/** Whether a template reads anything from the environment (its rendered values are then secret). */
export function usesEnv(template: Template): boolean {
  return template.parts.some((part) => part.kind === 'env');
}
