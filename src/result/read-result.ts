import { readFile } from 'node:fs/promises';
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
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(`${path}: schemaVersion ${JSON.stringify(version)} is not supported (this pushbench reads ${RESULT_SCHEMA_VERSION})`);
  }
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${path}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    throw new InputError(problems);
  }
  return parsed.data;
}
