import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/report-command.js';
import { InputError } from '../../../src/errors.js';
import { embeddedData, fixtureResult } from './report-fixtures.js';

describe('pushbench report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-report-'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  async function writeRun(name: string): Promise<string> {
    const path = join(dir, name, 'result.json');
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(path, JSON.stringify(fixtureResult('webhook-closed')));
    return path;
  }

  it('labels several runs by their run directories and writes one report', async () => {
    const out = join(dir, 'out', 'compare.html');
    const code = await reportCommand({ results: [await writeRun('before'), await writeRun('after')], out, title: 'before vs after' });
    expect(code).toBe(0);
    const data = embeddedData(await readFile(out, 'utf8'));
    expect(data.title).toBe('before vs after');
    expect(data.runs.map((run) => run.label)).toEqual(['before', 'after']);
  });

  it('--junit and --markdown remake the CI files of one run; without --out no HTML is written', async () => {
    const run = await writeRun('one');
    const junit = join(dir, 'ci', 'thresholds.junit.xml');
    const markdown = join(dir, 'ci', 'run.md');
    const code = await reportCommand({ results: [run], junit, markdown });
    expect(code).toBe(0);
    expect(await readFile(junit, 'utf8')).toMatch(/^<\?xml[^]*<testsuite/);
    expect(await readFile(markdown, 'utf8')).toContain('webhook-closed');
    expect((await readdir(dir)).sort()).toEqual(['ci', 'one']);
    await expect(reportCommand({ results: [run, run], junit })).rejects.toThrow(new InputError('--junit/--markdown: give exactly one result.json, got 2'));
  });

  it('rejects a bad results file as bad input', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"schemaVersion": 1}');
    await expect(reportCommand({ results: [bad], out: join(dir, 'r.html') })).rejects.toThrow(InputError);
  });
});
