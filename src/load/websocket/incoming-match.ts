import type { BoundJsonValue } from '../../template/json-template.js';
import type { RenderInput } from '../../template/render.js';
import type { ConnState } from './conn-state.js';
import { matchesSubset } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';

/** A `match` pattern, rendered for one connection (constant patterns are parsed once). */
export type BoundMatch = BoundJsonValue;

/** The pattern of `match` for connection `conn`: its constant, or rendered with `input(conn)`. */
export function pattern(match: BoundMatch | undefined, conn: ConnState, input: (conn: ConnState) => RenderInput): unknown {
  if (match === undefined) return undefined;
  return 'constant' in match ? match.constant : match.render(input(conn));
}

/** An incoming message matches a step, push or broadcast by event name (socketio) or by a JSON subset. */
export function matches(match: unknown, event: string | undefined, incoming: Incoming): boolean {
  if (event !== undefined) return incoming.event === event;
  return match !== undefined && matchesSubset(match, incoming.json);
}
