import { matchesSubset } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';

/** An incoming message matches a step, push or broadcast by event name (socketio) or by a JSON subset. */
export function matches(match: unknown, event: string | undefined, incoming: Incoming): boolean {
  if (event !== undefined) return incoming.event === event;
  return match !== undefined && matchesSubset(match, incoming.json);
}
