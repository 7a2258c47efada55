/**
 * Bad input from a person (scenario file, flag, results file). The CLI prints `message` as one line
 * and exits with code 2, without a stack trace. `lines` holds every problem when there are several.
 */
export class InputError extends Error {
  readonly lines: readonly string[];
  constructor(lines: string | readonly string[]) {
    const all = typeof lines === 'string' ? [lines] : lines;
    super(all.join('\n'));
    this.name = 'InputError';
    this.lines = all;
  }
}

/** A run that could not be carried out (target down before start, a child process died). Exit code 3. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}
