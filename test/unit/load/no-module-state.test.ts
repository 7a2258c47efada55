import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The client shard's modules hold no module-level mutable state: a swarm, a conversation and an
 * adapter's shared state live in instances reached through the socket, so two can share a process.
 */
const ROOT = join(import.meta.dirname, '../../../../src/load/websocket');

/** Module-level state that is the process's by nature, not a run's, each with its reason (none left: the Sec-WebSocket-Key pool is an UpgradeKeys per swarm). */
const ALLOWED: Readonly<Record<string, string>> = {};

const MUTABLE = [/^(?:export )?(?:let|var) (\w+)/, /^(?:export )?const (\w+)\s*(?::[^=]+)?=\s*new (?:Map|Set|WeakMap|WeakSet|Array)\b/, /^(?:export )?const (\w+)\s*(?::[^=]+)?=\s*\[\]/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function moduleLevelState(source: string): string[] {
  const found: string[] = [];
  for (const line of source.split('\n')) {
    for (const pattern of MUTABLE) {
      const match = pattern.exec(line);
      if (match) found.push(line.startsWith('export ') ? line.slice(7).split(/[:=]/)[0]!.trim() : line.split(/[:=]/)[0]!.trim());
    }
  }
  return found;
}

describe('no module-level state in the websocket client shard', () => {
  it('finds none outside the allowed list (and the check finds a planted one)', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThanOrEqual(20);
    const found = files.flatMap((file) => moduleLevelState(readFileSync(file, 'utf8')).map((what) => `${relative(ROOT, file)}: ${what}`));
    expect(found.filter((entry) => !(entry in ALLOWED))).toEqual([]);
    expect(moduleLevelState('let state: State | undefined;\nconst cache = new Map<string, number>();\n  let inner = 0;\nconst LIMIT = 5;')).toEqual(['let state', 'const cache']);
  });
});
