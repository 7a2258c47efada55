import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushbench, ROOT } from '../helpers/cli.js';

function scenarioFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-cli-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

describe('pushbench CLI', () => {
  it('validate takes a folder: every shipped scenario validates, schema.json is not one; run refuses a folder as bad input', async () => {
    const shipped = readdirSync(join(ROOT, 'scenarios')).filter((name) => /\.(ya?ml|json)$/.test(name) && name !== 'schema.json');
    const all = await pushbench(['validate', 'scenarios']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toEqual(shipped.sort().map((name) => expect.stringMatching(new RegExp(`^scenarios/${name.replace('.', '\\.')}: ok \\(`))));
    const folder = await pushbench(['run', 'scenarios']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^pushbench: scenarios: is a folder/m);
  });

  it('validate: ok scenarios exit 0; every problem of a bad one is a located line, exit 2, no stack trace', async () => {
    const good = await pushbench(['validate', 'webhook-burst', 'webhook-closed']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/webhook-burst\.yaml: ok/);
    const bad = scenarioFile('name: x\nwebhook:\n  load: { model: open, rate: -1, duration: 5 }\n  extra: 1\n');
    const result = await pushbench(['validate', bad]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(new RegExp(`^pushbench: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad flags and unknown commands exit 2 with one line', async () => {
    for (const args of [['run', 'webhook-burst', '--duration', 'soon'], ['run', 'webhook-closed', '--rate', '50'], ['frobnicate'], ['run', 'no-such-scenario']]) {
      const result = await pushbench(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(/^pushbench: /);
    }
  });

  it('run: prints the summary, writes result.json, exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pushbench-out-'));
    const result = await pushbench(['run', 'webhook-closed', '--duration', '1s', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pushbench webhook-closed/);
    expect(result.stdout).toMatch(/webhook\.latency/);
    expect(result.stdout).toContain(join(out, 'result.json'));
    const written = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(written.schemaVersion).toBe(1);
    expect(written.counters['webhook.ok']).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/\[\d\.\ds \/ 1\.0s\] rate \d+\/s {2}p99 \S+ {2}errors 0/);
  });

  it('a reader that goes away (| head) does not kill the run: result.json is still written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pushbench-pipe-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'run', 'webhook-closed', '--duration', '2s', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Like `head -1`: read the first progress line, then close both pipes.
    child.stderr.once('data', () => {
      child.stderr.destroy();
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    expect(code).toBe(0);
    expect(existsSync(join(out, 'result.json'))).toBe(true);
  });

  it('Ctrl-C ends a long run cleanly: result.json is written and the run is marked interrupted (exit 3)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pushbench-int-'));
    const file = scenarioFile('name: long\nwebhook:\n  load: { model: open, rate: 50, duration: 60s }\n');
    const startedMs = Date.now();
    // Interrupt after the second progress line: load has been flowing for a while.
    const result = await pushbench(['run', file, '--out', out], { interruptWhen: /rate [1-9]\d*\/s[^\n]*\n[^\n]*rate/ });
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/stopping/);
    expect(existsSync(join(out, 'result.json'))).toBe(true);
    const written = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(written.interrupted).toBe(true);
    expect(written.counters['webhook.sent']).toBeGreaterThan(0);
  });
});
