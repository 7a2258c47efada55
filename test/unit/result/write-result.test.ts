import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { writeFileAtomic } from '../../../src/result/atomic-file.js';
import { probeOutDir, probeOutputs, removeDirIfEmpty, saveResult } from '../../../src/result/write-result.js';
import type { RunResult } from '../../../src/result/run-result.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/results/webhook-closed/result.json'), 'utf8')) as RunResult;

// Failures simulated without a full disk (test/integration/never-lose.test.ts uses a real tmpfs):
// a directory where the file should go refuses the rename (EISDIR), a file where a directory
// should be refuses mkdir (ENOTDIR).
describe('writing results and reports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushbench-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tempsIn = (where: string): string[] => readdirSync(where).filter((name) => name.includes('.tmp-'));

  it('writeFileAtomic: a refused rename rejects and leaves no temp file', async () => {
    mkdirSync(join(dir, 'report.html'));
    await expect(writeFileAtomic(join(dir, 'report.html'), 'x'.repeat(10_000))).rejects.toMatchObject({ code: 'EISDIR' });
    expect(tempsIn(dir)).toEqual([]);
  });

  it('writeFileAtomic: replaces the file whole and creates its directory', async () => {
    const path = join(dir, 'a', 'b', 'report.html');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(tempsIn(join(dir, 'a', 'b'))).toEqual([]);
  });

  it('writeFileAtomic: a process that exits mid-write (a second Ctrl-C) leaves no temp file', () => {
    const target = join(dir, 'big.json');
    const script = `
      import { existsSync } from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(join(ROOT, 'src/result/atomic-file.ts'))};
      const temp = ${JSON.stringify(target)} + '.tmp-' + process.pid;
      void writeFileAtomic(${JSON.stringify(target)}, 'x'.repeat(256 * 1024 * 1024));
      const poll = () => (existsSync(temp) ? (console.log('exiting mid-write'), process.exit(130)) : setImmediate(poll));
      poll();
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(child.stdout).toContain('exiting mid-write');
    expect(child.status).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('saveResult: --out refuses result.json, so it goes to a new directory under the temp directory, and says why', async () => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'result.json'), { recursive: true });
    const rescueRoot = join(dir, 'tmp');
    mkdirSync(rescueRoot);
    const saved = await saveResult(fixture, out, rescueRoot);
    expect(saved.refused?.path).toBe(join(out, 'result.json'));
    expect(saved.refused?.error).toMatch(/^EISDIR: illegal operation on a directory, rename /);
    expect(saved.path).toMatch(new RegExp(`^${rescueRoot}/pushbench-webhook-closed-\\w+/result\\.json$`));
    expect(JSON.parse(readFileSync(saved.path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(fixture)));
    expect(tempsIn(out)).toEqual([]);
  });

  it('saveResult: --out takes it: no rescue', async () => {
    const saved = await saveResult(fixture, join(dir, 'out'), join(dir, 'never-used'));
    expect(saved).toEqual({ path: join(dir, 'out', 'result.json') });
    expect(existsSync(join(dir, 'never-used'))).toBe(false);
  });

  it('saveResult: throws only when the temp directory refuses it too', async () => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'result.json'), { recursive: true });
    writeFileSync(join(dir, 'not-a-dir'), '');
    await expect(saveResult(fixture, out, join(dir, 'not-a-dir'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('probeOutDir: creates the directory and leaves nothing in it', async () => {
    const out = join(dir, 'runs', 'one');
    await probeOutDir(out);
    expect(readdirSync(out)).toEqual([]);
  });

  it('probeOutDir: a directory that cannot be made is bad input, one line naming it and the OS error', async () => {
    writeFileSync(join(dir, 'file'), '');
    const out = join(dir, 'file', 'run');
    await expect(probeOutDir(out)).rejects.toThrow(new InputError(`--out ${out}: cannot write to this directory (ENOTDIR: not a directory, mkdir '${out}')`));
  });

  it('removeDirIfEmpty: removes a probed --out a failed run wrote nothing into, never one with files', async () => {
    const empty = join(dir, 'empty');
    await probeOutDir(empty);
    await removeDirIfEmpty(empty);
    expect(existsSync(empty)).toBe(false);
    const kept = join(dir, 'kept');
    mkdirSync(kept);
    writeFileSync(join(kept, 'result.json'), '{}');
    await removeDirIfEmpty(kept);
    expect(readdirSync(kept)).toEqual(['result.json']);
    await removeDirIfEmpty(join(dir, 'never-made'));
  });

  it('probeOutputs: checks the folders of --junit and --markdown too, naming the flag', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(probeOutputs(join(dir, 'out'), { junit: join(dir, 'ci', 'j.xml'), markdown: join(dir, 'file', 'm.md') })).rejects.toThrow(
      new InputError(`--markdown ${join(dir, 'file')}: cannot write to this directory (EEXIST: file already exists, mkdir '${join(dir, 'file')}')`),
    );
    expect(existsSync(join(dir, 'ci'))).toBe(true);
  });
});
