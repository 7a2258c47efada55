import { InputError } from '../errors.js';
import { parseDurationUs } from '../scenario/duration.js';

/** Flags that take a value which may itself start with "-" (a negative number or duration is still that flag's value). */
const VALUE_FLAGS = new Set(['--duration', '--rate', '--repeat', '--shard', '--start-at']);
const LOOKS_NEGATIVE = /^-[0-9.]/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Joins `--rate -5` into `--rate=-5`: otherwise the parser reads "-5s" as the short options -5 and
 * -s, and the person sees "Unknown arguments: 5, s" instead of what is wrong with their value.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(arg) && next !== undefined && LOOKS_NEGATIVE.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** `--duration`: a duration above zero with units ("30s", "1m30s"); the text is kept (the scenario loader resolves it). */
export function durationFlag(value: unknown): string {
  const text = flagText(value);
  const us = parseDurationUs(text);
  if (us === undefined || us <= 0) throw new InputError(`--duration: expected a duration like 30s, got "${text}"`);
  return text;
}

/** `--rate`: requests per second, a finite number above 0. */
export function rateFlag(value: unknown): number {
  const text = flagText(value);
  const rate = NUMBER_TEXT.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(rate) || rate <= 0) throw new InputError(`--rate: expected a number of requests per second above 0, like 500, got "${text}"`);
  return rate;
}

/** `--repeat`: a whole number of trials, at least 1 (the upper bound is checked where trials run). */
export function repeatFlag(value: unknown): number {
  const text = flagText(value);
  const repeat = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(repeat) || repeat < 1) throw new InputError(`--repeat: expected a whole number of trials like 3, got "${text}"`);
  return repeat;
}

/** The flag's text as typed; a flag given twice is its last value, a flag given without a value is "". */
function flagText(value: unknown): string {
  const last = Array.isArray(value) ? value.at(-1) : value;
  return last === undefined || last === null || typeof last === 'boolean' ? '' : String(last);
}
