import { unlinkSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp files being written right now: removed if the process exits mid-write (a second Ctrl-C, process.exit). */
const pendingTemps = new Set<string>();
let exitHookInstalled = false;

/**
 * Writes `data` to `path` atomically: a temp file beside it, then a rename, so a reader never sees
 * half a file. Whatever fails (a full disk mid-write, a rename refused, the process exiting), the
 * temp file is removed: no `.tmp-*` is ever left behind. Creates the directory.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  trackTemp(temp);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  } finally {
    pendingTemps.delete(temp);
  }
}

function trackTemp(temp: string): void {
  pendingTemps.add(temp);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const each of pendingTemps) {
      try {
        unlinkSync(each);
      } catch {
        // already gone
      }
    }
  });
}

/** "ENOSPC: no space left on device, write" from an fs error, or its message. */
export function describeFsError(error: unknown): string {
  return (error as Error).message ?? String(error);
}
