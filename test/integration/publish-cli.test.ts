import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushbench, ROOT } from '../helpers/cli.js';

describe('pushbench publish', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-publish-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a site with a trend page per scenario from a directory of results', async () => {
    const site = join(dir, 'site');
    const run = await pushbench(['publish', join(ROOT, 'test/fixtures/results'), '--out', site]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^published 0 reports and 5 trend pages: .*index\.html$/m);
    for (const scenario of ['sse-small', 'webhook-burst', 'webhook-closed', 'webhook-vs-websocket', 'ws-small']) expect(existsSync(join(site, 'trends', `${scenario}.html`)), scenario).toBe(true);
    expect(existsSync(join(site, 'webhook-vs-websocket', 'result.report.html'))).toBe(true);
  });

  it('a directory with neither reports nor results is bad input: one line, exit 2', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const run = await pushbench(['publish', empty, '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('no pushbench reports (report.html) or results (result.json)');
  });
});
