import { bindTemplate, seededRandom, type RenderFn, type RenderInput } from '../../template/render.js';
import type { Template } from '../../template/template.js';
import type { ConnState } from './conn-state.js';
import type { ProtocolFields } from './protocols/protocol.js';

/** Templated fields (rendered per use) beside plain numbers: a subscribe step, a publish, the handshake. */
export type BoundFields = Array<[string, RenderFn | number]>;

/** Render streams: each draws its own seeded numbers, so adding one use never changes another's. */
export const CONNECT_STREAM = 1;
export const STEP_STREAM = 2;
export const REQUEST_STREAM = 3;

export function bindFields(fields: Readonly<Record<string, Template | number | undefined>>): BoundFields {
  const bound: BoundFields = [];
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) bound.push([name, typeof value === 'number' ? value : bindTemplate(value)]);
  return bound;
}

export function renderFields(fields: BoundFields, input: RenderInput): ProtocolFields {
  const rendered: Record<string, string | number> = {};
  for (const [name, value] of fields) rendered[name] = typeof value === 'number' ? value : value(input);
  return rendered;
}

/** What an onOpen step of `conn` renders with: {{conn}}, {{seq}} (the step) and its own random stream. */
export function stepInput(conn: ConnState): RenderInput {
  return { values: { conn: conn.index, seq: conn.step }, random: seededRandom(conn.conversation.spec.seed, STEP_STREAM, conn.index * 1_000 + conn.step) };
}

/** What a per-connection pattern of `conn` (push, broadcast) renders with: {{conn}}. */
export function connInput(conn: ConnState): RenderInput {
  return { values: { conn: conn.index }, random: seededRandom(conn.conversation.spec.seed, CONNECT_STREAM, conn.index) };
}
