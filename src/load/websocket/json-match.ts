/** True when every field of `pattern` is present in `value` with an equal value (recursively): a subset match. */
export function matchesSubset(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && pattern.length <= value.length && pattern.every((item, index) => matchesSubset(item, value[index]));
  }
  for (const [key, expected] of Object.entries(pattern)) {
    if (!matchesSubset(expected, (value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** The value at a dotted path (already split), or undefined. */
export function fieldAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
