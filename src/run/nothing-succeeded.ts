import type { Recorder } from '../metrics/recorder.js';
import { redactKnownSecrets } from '../template/secrets.js';

/** What a failure class suggests to the person reading the reason. */
const HINTS: Readonly<Record<string, string>> = {
  refused: 'is it running?',
  timeout: 'nothing answered in time',
  reset: 'the connection was cut',
};

/**
 * The reason a run in which nothing succeeded is a failed run, not a pass: one line naming how many
 * attempts failed, how, and where, e.g.
 * `no request succeeded: 600 refused by http://127.0.0.1:9/hook (is it running?)`.
 * Undefined when something succeeded. `failurePrefix` is the counter group of failures by class.
 */
export function nothingSucceededReason(
  recorder: Recorder,
  options: { what: 'request' | 'connection' | 'stream'; attempted: number; succeeded: number; failurePrefix: string; where: string },
): string | undefined {
  const { what, attempted, succeeded, failurePrefix, where } = options;
  if (succeeded > 0) return undefined;
  const verb = what === 'request' ? 'no request succeeded' : `no ${what} opened`;
  if (attempted === 0) return redactKnownSecrets(`${verb}: nothing was ${what === 'request' ? 'sent' : 'attempted'} to ${where}`);
  const classes = recorder
    .counterEntries(failurePrefix)
    .map(([name, count]) => [name.slice(failurePrefix.length), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
  const described = classes.length > 0 ? classes.map(([kind, count]) => `${count} ${kind}`).join(', ') : `${attempted} without an answer`;
  const hint = classes.length > 0 ? HINTS[classes[0]![0]] : undefined;
  return redactKnownSecrets(`${verb}: ${described} by ${where}${hint ? ` (${hint})` : ''}`);
}
