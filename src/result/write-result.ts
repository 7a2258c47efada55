import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { redactKnownSecrets } from '../template/secrets.js';
import type { RunResult } from './run-result.js';

/** Writes result.json atomically (temp file + rename), so a reader never sees half a file. Returns its path. */
export async function writeResult(result: RunResult, outDir: string): Promise<string> {
  const path = join(outDir, 'result.json');
  await writeJsonAtomic(path, result);
  return path;
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, redactKnownSecrets(JSON.stringify(value, null, 2)) + '\n');
  await rename(temp, path);
}

/** reports/runs/<name>-<UTC timestamp>/ : sortable, unique per second, safe in any file system. */
export function defaultRunDir(scenarioName: string, startedAt: Date, reportsDir = 'reports'): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(reportsDir, 'runs', `${scenarioName}-${stamp}`);
}
