import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * src/load/ holds no module-level mutable state: a swarm, a conversation, an adapter's shared state,
 * a set of SSE streams and a shard session live in instances (reached through the socket or the
 * stream), so two can share a process and a test can run them in-process.
 */
const ROOT = join(import.meta.dirname, '../../../src/load');

/** Module-level values the pattern matches that are no run's state, each with its reason. */
const ALLOWED: Readonly<Record<string, string>> = {
  'webhook/signing/registry.ts: const SCHEMES': 'the plugin registry by name, filled once at load and only read',
};
/** Files whose module-level state is the process's by design. */
const ALLOWED_FILES: Readonly<Record<string, string>> = {};

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

describe('no module-level state in src/load', () => {
  it('finds none outside the allowed list (and the check finds a planted one)', () => {
    const files = sourceFiles(ROOT).filter((file) => !(relative(ROOT, file) in ALLOWED_FILES));
    expect(files.filter((file) => file.includes('/websocket/')).length).toBeGreaterThanOrEqual(20);
    expect(files.filter((file) => file.includes('/sse/')).length).toBeGreaterThanOrEqual(8);
    const found = files.flatMap((file) => moduleLevelState(readFileSync(file, 'utf8')).map((what) => `${relative(ROOT, file)}: ${what}`));
    expect(found.filter((entry) => !(entry in ALLOWED))).toEqual([]);
    expect(moduleLevelState('let state: State | undefined;\nconst cache = new Map<string, number>();\n  let inner = 0;\nconst LIMIT = 5;')).toEqual(['let state', 'const cache']);
  });
});
