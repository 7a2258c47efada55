import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResultFiles } from '../../../src/result/find-results.js';

describe('findResultFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-find-'));
    for (const folder of ['run/shard-0', 'run/shard-1/deeper', 'run/merged']) {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, 'result.json'), '{}');
    }
    await writeFile(join(dir, 'run', 'shard-0', 'report.html'), '');
    await mkdir(join(dir, 'empty'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds every result.json under a directory, skipping the merge output, each once and sorted', async () => {
    const files = await findResultFiles([join(dir, 'run'), join(dir, 'run', 'shard-0', 'result.json')], join(dir, 'run', 'merged'));
    expect(files).toEqual([join(dir, 'run', 'shard-0', 'result.json'), join(dir, 'run', 'shard-1', 'deeper', 'result.json')]);
  });

  it('refuses a path that does not exist and a directory without results, one line each', async () => {
    await expect(findResultFiles([join(dir, 'nope')])).rejects.toThrow(`${join(dir, 'nope')}: no such file or directory`);
    await expect(findResultFiles([join(dir, 'empty')])).rejects.toThrow(`${join(dir, 'empty')}: no result.json under this directory`);
  });
});
