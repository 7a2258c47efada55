import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag that keeps a process's young generation at the size it has at start-up (issue 21:
 * flat RSS over a long run). Imported first by the CLI (the webhook generator's process). Not by
 * the built-in receiver: with it, its closed-model throughput fell (see README, bench:soak).
 *
 * V8 doubles the new space (up to 2 x 16 MB semi-spaces on 64-bit) whenever more has survived
 * scavenges since the last expansion than it holds, and a mark-compact shrinks it again when the
 * allocation rate looks low. At a steady 2,000 requests/s the generator's new space went
 * 16 -> 32 -> 8 -> 16 -> 32 MB within 4 minutes, and its RSS followed (98 MB, then 127 MB): which of
 * those two a given minute shows is chance, and it read as +32% between minute 2 and minute 10.
 * With a growth factor of 1 the new space stays at 2-4 MB: more scavenges (about 8 a second at
 * 2,000/s, 0.5 ms each), none of them copying 16 MB. V8 reads the factor at each resize, so it can
 * be set at run time, unlike the semi-space sizes.
 *
 * Undefined (V8's own sizing) when the user sized the young generation with node flags or NODE_OPTIONS.
 */
export function youngGenerationFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  return /semi[-_]space/.test(`${execArgv.join(' ')} ${nodeOptions ?? ''}`) ? undefined : '--semi-space-growth-factor=1';
}

const flag = youngGenerationFlag(process.execArgv, process.env.NODE_OPTIONS);
if (flag) {
  try {
    setFlagsFromString(flag);
  } catch {
    // A runtime that refuses the flag keeps V8's default sizing.
  }
}
