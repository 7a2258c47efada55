import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { decodeHistogram } from '../metrics/histogram.js';
import { RESULT_SCHEMA_VERSION, runResultSchema, type RunResult } from './run-result.js';

/** Reads and validates a result.json; a bad file is an InputError naming the file and the first problems. */
export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: cannot read the results file`);
  }
  return parseResult(text, path);
}

export function parseResult(text: string, path: string): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`${path}:${jsonErrorPosition(text)}: not valid JSON`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(`${path}: schemaVersion ${JSON.stringify(version)} is not supported (this pushbench reads ${RESULT_SCHEMA_VERSION})`);
  }
  const long = findLongString(raw, []);
  if (long) {
    throw new InputError(`${path}: not a valid pushbench result: ${long.path}: a string of ${long.length} characters (at most ${MAX_STRING_CHARS})`);
  }
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new InputError(`${path}: not a valid pushbench result: ${first!.path.map(String).join('.') || '(top level)'}: ${first!.message}${more}`);
  }
  checkHistograms(parsed.data, path);
  return parsed.data;
}

/**
 * No string pushbench writes comes near this (an encoded histogram is at most a few hundred KB);
 * a longer one is damage, and rendering it (escaped, repeated) would exceed V8's string limit.
 */
export const MAX_STRING_CHARS = 1 << 20;

function findLongString(value: unknown, path: string[]): { path: string; length: number } | undefined {
  if (typeof value === 'string') return value.length > MAX_STRING_CHARS ? { path: path.join('.') || '(top level)', length: value.length } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findLongString(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Every stored histogram must decode: report, compare and merge read them all, and a damaged one is the file's fault. */
function checkHistograms(result: RunResult, path: string): void {
  const sets: [string, Record<string, { hdr: string }>][] = [['metrics', result.metrics]];
  result.trials?.forEach((trial, index) => sets.push([`trials.${index}.metrics`, trial.metrics]));
  for (const [where, metrics] of sets) {
    for (const [name, summary] of Object.entries(metrics)) {
      try {
        decodeHistogram(summary.hdr);
      } catch (error) {
        throw new InputError(`${path}: not a valid pushbench result: ${where}.${name}.hdr: not a readable histogram (${(error as Error).message})`);
      }
    }
  }
}

/** JSON.parse does not always say where it failed; the YAML parser (a JSON superset) does. */
function jsonErrorPosition(text: string): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const offset = doc.errors[0]?.pos[0];
  if (offset === undefined) return '1:1';
  const { line, col } = lineCounter.linePos(offset);
  return `${line}:${col}`;
}
