/** `scheme://user:password@` in a URL written literally (a remote-write URL, a target): the credentials go. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const SECRET_KEYS = /secret|token|password|authorization|api[-_]?key/i;

/** A deep copy with every secret-looking field replaced, so results and reports are safe to publish. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, '$1<redacted>@') as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEYS.test(key) && item !== undefined ? '<redacted>' : redactSecrets(item);
  }
  return copy as T;
}
