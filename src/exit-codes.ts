/** Process exit codes; the README documents them. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  runFailed: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
