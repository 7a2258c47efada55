import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { readResult } from '../result/read-result.js';
import type { RunResult } from '../result/run-result.js';
import { writeJsonAtomic } from '../result/write-result.js';

/** Committed baselines live here, one `<name>.json` (a result.json) per scenario. */
export const DEFAULT_BASELINES_DIR = join('reports', 'baselines');
const BASELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface SavedBaseline {
  path: string;
  /** False when an existing baseline was replaced. */
  created: boolean;
  result: RunResult;
}

/**
 * `pushbench baseline`: validates a result and writes it as `<dir>/<name>.json` (name defaults to
 * the scenario's). An invalid or interrupted run is refused: a gate against it would mean nothing.
 */
export async function saveBaseline(resultPath: string, options: { name?: string | undefined; dir?: string | undefined } = {}): Promise<SavedBaseline> {
  const result = await readResult(resultPath);
  if (!result.validity.ok) {
    throw new InputError(`${resultPath}: the run is invalid (${result.validity.reasons[0] ?? 'see its validity section'}); a baseline must be a valid run`);
  }
  if (result.interrupted) throw new InputError(`${resultPath}: the run was interrupted; a baseline must be a complete run`);
  const name = options.name ?? result.scenario.name;
  if (!BASELINE_NAME.test(name)) throw new InputError(`--name: "${name}" is not a usable file name; use letters, digits, ".", "_" and "-"`);
  const path = join(options.dir ?? DEFAULT_BASELINES_DIR, `${name}.json`);
  const created = !existsSync(path);
  await writeJsonAtomic(path, result);
  return { path, created, result };
}

/** A baseline argument: an existing path as is, otherwise a bare name looked up as reports/baselines/<name>.json. */
export function resolveBaselinePath(nameOrPath: string, dir = DEFAULT_BASELINES_DIR): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  if (BASELINE_NAME.test(nameOrPath) && !nameOrPath.endsWith('.json')) {
    const candidate = join(dir, `${nameOrPath}.json`);
    if (existsSync(candidate)) return candidate;
  }
  return nameOrPath;
}
