import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { freePort } from '../helpers/prometheus.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/**
 * The shipped CLI is one esbuild bundle per process entry (`npm run bundle`), not the tsc output:
 * it starts in half the CPU. Built here into a scratch root (package.json, scenarios and
 * node_modules linked from the repository), exactly as `npm run build` writes dist/, then run for
 * real: the built-in receiver, ws server and client shards are themselves bundles it must find.
 */
describe('bundled CLI (dist/cli/main.js as shipped)', () => {
  const root = mkdtempSync(join(tmpdir(), 'pushbench-bundle-'));
  const cli = join(root, 'dist/cli/main.js');

  beforeAll(async () => {
    for (const name of ['package.json', 'scenarios', 'node_modules']) symlinkSync(join(ROOT, name), join(root, name));
    const built = await run('npm', ['run', 'bundle', '--', `--outdir=${join(root, 'dist')}`], ROOT);
    expect(built.code, built.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('validates, runs webhook load against its built-in receiver, and holds WebSockets through its own shards and server', async () => {
    const validated = await run(process.execPath, [cli, 'validate', 'stripe-receiver'], root);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toMatch(/stripe-receiver\.yaml: ok/);

    // stripe-receiver ramps 50 -> 500/s: over 2 s its schedule holds (50 + 500) / 2 x 2 = 550 signed
    // events, a rate this 2-core box paces well inside the validity bounds with its receiver beside it.
    // With --prometheus at a port that refuses: the bundled remote-write worker (its own entry,
    // dist/outputs/prometheus/remote-write-worker.js) is found and fails its writes off the
    // generator's loop, so the run stays valid (exit 0) with a counter and one warning.
    const webhookOut = join(root, 'webhook');
    const refusing = `http://127.0.0.1:${await freePort()}/api/v1/write`;
    const webhook = await run(process.execPath, [cli, 'run', 'stripe-receiver', '--duration', '2s', '--prometheus', refusing, '--out', webhookOut], root);
    expect(webhook.code, webhook.stdout + webhook.stderr).toBe(0);
    const webhookResult = JSON.parse(readFileSync(join(webhookOut, 'result.json'), 'utf8'));
    expect(webhookResult.validity.ok).toBe(true);
    const failures = webhookResult.counters['output.prometheus.failures'];
    expect(failures).toBeGreaterThan(0);
    expect(webhook.stderr.match(/prometheus remote write to \S+ failed \(connect ECONNREFUSED/g)).toHaveLength(1);
    expect(webhookResult.validity.warnings).toContainEqual(expect.stringContaining(`prometheus remote write to ${refusing}: ${failures} of ${failures} writes failed (last: connect ECONNREFUSED`));
    expect(webhookResult.counters['webhook.sent']).toBe(550);
    expect(webhookResult.counters['webhook.ok']).toBe(550);
    expect(webhookResult.counters['receiver.received']).toBe(550);
    expect(webhookResult.counters['receiver.unique']).toBe(550);
    expect(webhookResult.counters['receiver.badSignature']).toBe(0);

    const wsOut = join(root, 'ws');
    const ws = await run(process.execPath, [cli, 'run', 'ws-small', '--duration', '1s', '--out', wsOut], root);
    expect(ws.code, ws.stdout + ws.stderr).toBe(0);
    const wsResult = JSON.parse(readFileSync(join(wsOut, 'result.json'), 'utf8'));
    expect(wsResult.counters['ws.connections.opened']).toBe(300);
    expect(wsResult.counters['ws.server.connections.opened']).toBe(300);
    expect(wsResult.counters['ws.connections.failed.refused'] ?? 0).toBe(0);
    expect(readFileSync(join(wsOut, 'report.html'), 'utf8')).toMatch(/<html/);
  }, 90_000);
});
