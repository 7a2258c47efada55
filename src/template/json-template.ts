import { bindTemplate, type RenderFn, type RenderInput } from './render.js';
import { isConstant, type Template } from './template.js';

/**
 * A JSON value from a scenario (any YAML type) whose strings are templates, compiled once into
 * pieces of JSON text. Rendering concatenates them: `text` is JSON written out at load, `quoted`
 * is a template whose rendered text becomes a JSON string (escaped), `raw` is a template rendered
 * as is (a whole-string `{{…}}` of a number variable, which becomes a JSON number, or the text of
 * a raw WebSocket message). Plain data: it crosses process boundaries like Template.
 */
export type JsonPiece = { text: string } | { quoted: Template } | { raw: Template };

export interface JsonTemplate {
  pieces: JsonPiece[];
}

/** Renders the JSON text; a template with no tags renders to one constant string. */
export function bindJsonTemplate(template: JsonTemplate): RenderFn {
  const bound = template.pieces.map(bindPiece);
  if (bound.every((piece) => typeof piece === 'string')) {
    const constant = bound.join('');
    return () => constant;
  }
  return (input: RenderInput) => {
    let out = '';
    for (const piece of bound) out += typeof piece === 'string' ? piece : piece(input);
    return out;
  };
}

function bindPiece(piece: JsonPiece): string | RenderFn {
  if ('text' in piece) return piece.text;
  const quoted = 'quoted' in piece;
  const template = quoted ? piece.quoted : piece.raw;
  const render = bindTemplate(template);
  if (isConstant(template)) {
    const text = render({ values: {}, random: Math.random });
    return quoted ? JSON.stringify(text) : text;
  }
  return quoted ? (input) => JSON.stringify(render(input)) : render;
}

/** A JSON value to compare with (a `match` pattern): parsed once when it has no tags, else rendered per use. */
export type BoundJsonValue = { constant: unknown } | { render(input: RenderInput): unknown };

export function bindJsonValue(template: JsonTemplate): BoundJsonValue {
  const render = bindJsonTemplate(template);
  if (template.pieces.every((piece) => 'text' in piece)) return { constant: JSON.parse(render({ values: {}, random: Math.random })) };
  return { render: (input) => JSON.parse(render(input)) };
}

/** The variables the template reads, and whether it draws random numbers (uuid, randInt, randString). */
export function jsonTemplateNeeds(template: JsonTemplate): { variables: Set<string>; random: boolean } {
  const variables = new Set<string>();
  let random = false;
  for (const piece of template.pieces) {
    if ('text' in piece) continue;
    for (const part of ('quoted' in piece ? piece.quoted : piece.raw).parts) {
      if (part.kind === 'var') variables.add(part.name);
      else if (part.kind === 'uuid' || part.kind === 'randInt' || part.kind === 'randString') random = true;
    }
  }
  return { variables, random };
}

/** Joins compiled values with commas (a Socket.IO argument list, without its brackets). */
export function joinJsonTemplates(templates: readonly JsonTemplate[]): JsonTemplate {
  const pieces: JsonPiece[] = [];
  templates.forEach((template, index) => {
    if (index > 0) pushText(pieces, ',');
    for (const piece of template.pieces) {
      if ('text' in piece) pushText(pieces, piece.text);
      else pieces.push(piece);
    }
  });
  return { pieces };
}

export function pushText(pieces: JsonPiece[], text: string): void {
  const last = pieces.at(-1);
  if (last && 'text' in last) last.text += text;
  else pieces.push({ text });
}
