import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The result files `merge` reads: each argument is a result.json file, or a directory searched
 * (recursively) for files named result.json. `skipDir` (merge's --out) is never searched, so a
 * merge into a folder under the shards' folder can be run again. Sorted, each file once.
 */
export async function findResultFiles(paths: readonly string[], skipDir?: string): Promise<string[]> {
  const skip = skipDir === undefined ? undefined : resolve(skipDir);
  const found = new Set<string>();
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      throw new InputError(`${path}: no such file or directory`);
    }
    if (!isDirectory) {
      found.add(path);
      continue;
    }
    const inside = await walk(path, skip);
    if (inside.length === 0) throw new InputError(`${path}: no result.json under this directory`);
    for (const file of inside) found.add(file);
  }
  return [...found].sort();
}

async function walk(dir: string, skip: string | undefined): Promise<string[]> {
  if (skip !== undefined && resolve(dir) === skip) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path, skip)));
    else if (entry.isFile() && entry.name === 'result.json') files.push(path);
  }
  return files;
}
