/**
 * Values that must never reach result.json, reports or logs: secrets and everything read from the
 * environment by a template. The scenario loader remembers them; writers of results and messages
 * pass their text through `redactKnownSecrets` as a last line of defence (results store the scenario
 * as written, with `{{env.NAME}}` unexpanded and secret fields redacted by name, so this rarely fires).
 */
const known = new Set<string>();
/** Values shorter than this are too likely to match ordinary text to be replaced. */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '<redacted>';

export function rememberSecret<T extends string>(value: T): T {
  if (value.length >= MIN_SECRET_LENGTH) {
    known.add(value);
    known.add(JSON.stringify(value).slice(1, -1)); // as it appears inside JSON text
  }
  return value;
}

/** `text` with every remembered secret replaced by <redacted>. */
export function redactKnownSecrets(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}
