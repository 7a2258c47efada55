import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Most rows a payload file may hold (they travel to every generator process). */
const MAX_ROWS = 100_000;
const MAX_FILE_BYTES = 64 * 1_048_576;

/** A payload file problem; the loader locates it at `webhook.payload.file`. */
export class PayloadFileError extends Error {}

/**
 * Reads `webhook.payload.file`: a .json file (one event), a .jsonl file (one event per line; blank
 * lines skipped) or a folder of .json files (one event each, in name order). Every event must be a
 * JSON object.
 */
export function readPayloadRows(path: string): unknown[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new PayloadFileError(`${path}: no such file or folder`);
  }
  const rows = isFolder ? readFolder(path) : extname(path).toLowerCase() === '.jsonl' ? readJsonLines(path) : [readJson(path, readText(path))];
  if (rows.length === 0) throw new PayloadFileError(`${path}: holds no events`);
  if (rows.length > MAX_ROWS) throw new PayloadFileError(`${path}: ${rows.length} events; the limit is ${MAX_ROWS}`);
  return rows;
}

function readFolder(folder: string): unknown[] {
  const names = readdirSync(folder).filter((name) => extname(name).toLowerCase() === '.json').sort();
  return names.map((name) => readJson(join(folder, name), readText(join(folder, name))));
}

function readJsonLines(path: string): unknown[] {
  return readText(path)
    .split('\n')
    .flatMap((line, index) => (line.trim() === '' ? [] : [readJson(`${path}:${index + 1}`, line)]));
}

function readText(path: string): string {
  if (statSync(path).size > MAX_FILE_BYTES) throw new PayloadFileError(`${path}: larger than ${MAX_FILE_BYTES} bytes`);
  return readFileSync(path, 'utf8');
}

function readJson(where: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PayloadFileError(`${where}: not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PayloadFileError(`${where}: an event must be a JSON object`);
  return value;
}
