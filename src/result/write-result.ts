import { mkdir, mkdtemp, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { redactKnownSecrets } from '../template/secrets.js';
import { describeFsError, writeFileAtomic } from './atomic-file.js';
import type { RunResult } from './run-result.js';

/** Writes result.json atomically (temp file + rename), so a reader never sees half a file. Returns its path. */
export async function writeResult(result: RunResult, outDir: string): Promise<string> {
  const path = join(outDir, 'result.json');
  await writeJsonAtomic(path, result);
  return path;
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, redactKnownSecrets(JSON.stringify(value, null, 2)) + '\n');
}

/** Where result.json went: `outDir`, or the OS temp directory when `outDir` refused it (`refused` says why). */
export interface SavedResult {
  path: string;
  refused?: { path: string; error: string };
}

/**
 * Writes result.json into `outDir`; if that fails (ENOSPC, EIO, the directory gone), into a new
 * directory under the OS temp directory instead, so a measurement is never lost to the disk.
 * Throws only when both fail.
 */
export async function saveResult(result: RunResult, outDir: string, rescueRoot = tmpdir()): Promise<SavedResult> {
  try {
    return { path: await writeResult(result, outDir) };
  } catch (error) {
    const refused = { path: join(outDir, 'result.json'), error: describeFsError(error) };
    const rescueDir = await mkdtemp(join(rescueRoot, `pushbench-${safeName(result.scenario.name)}-`));
    return { path: await writeResult(result, rescueDir), refused };
  }
}

/**
 * Creates `dir` and writes and removes a probe file in it, before any load: an output directory
 * that cannot be written is bad input found in a millisecond, not after an hour of load.
 */
export async function probeOutDir(dir: string, flag = '--out'): Promise<void> {
  const probe = join(dir, `.pushbench-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'pushbench checks that it can write here\n');
    await unlink(probe);
  } catch (error) {
    await unlink(probe).catch(() => {});
    throw new InputError(`${flag} ${dir}: cannot write to this directory (${describeFsError(error)})`);
  }
}

/** probeOutDir for run's and merge's outputs: --out, and the directories of --junit and --markdown when given. */
export async function probeOutputs(outDir: string, files: { junit?: string | undefined; markdown?: string | undefined }): Promise<void> {
  await probeOutDir(outDir);
  if (files.junit) await probeOutDir(dirname(files.junit), '--junit');
  if (files.markdown) await probeOutDir(dirname(files.markdown), '--markdown');
}

/** Removes `dir` if it is empty (a run that failed before writing anything into the --out it probed). */
export async function removeDirIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => {});
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60) || 'run';
}

/** reports/runs/<name>-<UTC timestamp>/ : sortable, unique per second, safe in any file system. */
export function defaultRunDir(scenarioName: string, startedAt: Date, reportsDir = 'reports'): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(reportsDir, 'runs', `${scenarioName}-${stamp}`);
}
