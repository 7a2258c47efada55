/**
 * Bad input from a person (scenario file, flag, results file). The CLI prints `message` as one line
 * and exits with code 2, without a stack trace. `lines` holds every problem when there are several.
 */
export class InputError extends Error {
  readonly lines: readonly string[];
  constructor(lines: string | readonly string[]) {
    // A value quoted from the input may hold line breaks; each problem stays one line.
    const all = (typeof lines === 'string' ? [lines] : lines).map(oneLine);
    super(all.join('\n'));
    this.name = 'InputError';
    this.lines = all;
  }
}

/** Escapes control characters (\r, \n, ...) so that a problem quoting the input stays on one line. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (char) => (char === '\n' ? '\\n' : char === '\r' ? '\\r' : char === '\t' ? '\\t' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** A run that could not be carried out (target down before start, a child process died). Exit code 3. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}
