import { isConstant, type Template, type TemplatePart } from './template.js';

/**
 * What one render of a template reads: the use's variables by name, the current feed row, and a
 * seeded random source (so a seed reproduces every rendered value).
 */
export interface RenderInput {
  /** Values of the use's variables; a missing one renders as "". */
  readonly values: Readonly<Record<string, string | number | undefined>>;
  readonly row?: Readonly<Record<string, unknown>> | undefined;
  /** Uniform in [0, 1), seeded per render (see seededRandom). */
  random(): number;
}

export type RenderFn = (input: RenderInput) => string;

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** Turns a parsed template into a render function: a closure per part, joined by concatenation. */
export function bindTemplate(template: Template): RenderFn {
  if (isConstant(template)) {
    const constant = template.parts.map((part) => (part.kind === 'text' ? part.text : part.kind === 'env' ? part.value : '')).join('');
    return () => constant;
  }
  const pieces = template.parts.map(bindPart);
  return (input) => {
    let out = '';
    for (const piece of pieces) out += piece(input);
    return out;
  };
}

function bindPart(part: TemplatePart): RenderFn {
  switch (part.kind) {
    case 'text': {
      const text = part.text;
      return () => text;
    }
    case 'env': {
      const value = part.value;
      return () => value;
    }
    case 'var': {
      const name = part.name;
      return (input) => String(input.values[name] ?? '');
    }
    case 'row': {
      const field = part.field;
      return (input) => rowValue(input.row, field);
    }
    case 'uuid':
      return (input) => seededUuid(input.random);
    case 'randInt': {
      const { min, max } = part;
      const span = max - min + 1;
      return (input) => String(min + Math.floor(input.random() * span));
    }
    case 'randString': {
      const { length } = part;
      return (input) => {
        let out = '';
        for (let i = 0; i < length; i++) out += LOWER_ALNUM[Math.floor(input.random() * LOWER_ALNUM.length)];
        return out;
      };
    }
  }
}

/** A row field as text: strings as they are, anything else as JSON (so objects embed as JSON). */
function rowValue(row: Readonly<Record<string, unknown>> | undefined, field: string): string {
  let value: unknown = row;
  for (const key of field.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A version-4 UUID from 122 seeded random bits. */
export function seededUuid(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += HEX[Math.floor(random() * 16)];
  const variant = HEX[8 + Math.floor(random() * 4)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A seeded PRNG (mulberry32) for one render: the same (seed, stream, index) always draws the same
 * numbers, whatever order events are rendered in, in whichever process.
 */
export function seededRandom(seed: number, stream = 0, index = 0): () => number {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f));
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1); the same state gives the same numbers. */
export function mulberry32(initialState: number): () => number {
  let state = initialState >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
