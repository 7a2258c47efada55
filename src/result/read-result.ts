import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
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
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new InputError(`${path}: not a valid pushbench result: ${first!.path.map(String).join('.') || '(top level)'}: ${first!.message}${more}`);
  }
  return parsed.data;
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
