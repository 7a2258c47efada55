import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushbench } from '../helpers/cli.js';
import { closedPort, startServer } from '../helpers/servers.js';

function scenarioFile(yaml: string): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-nothing-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, yaml);
  return { file, out: join(dir, 'out') };
}

describe('a run in which nothing succeeded is a failed run, not a pass', () => {
  it('webhook: every request refused -> exit 3, one line naming the URL and the class', async () => {
    const port = await closedPort();
    const { file, out } = scenarioFile(`name: refused\nwebhook:\n  target: http://127.0.0.1:${port}/hook\n  load: { model: open, rate: 200, duration: 1s }\n`);
    const run = await pushbench(['run', file, '--out', out]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`no request succeeded: 200 refused by http://127.0.0.1:${port}/hook (is it running?)`);
    expect(run.stdout.split('\n')[0]).toMatch(/ERRORS: 200 of 200 requests failed \(100\.00%\)/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { validity: { ok: boolean; reasons: string[] } };
    expect(result.validity.ok).toBe(false);
  });

  it('webhook: every answer a 500 -> exit 3 naming the class; some errors -> a valid run whose headline shows the error share', async () => {
    let calls = 0;
    const server = await startServer((_request, response) => {
      calls++;
      response.statusCode = calls % 4 === 0 ? 500 : 200;
      response.end('ok');
    });
    try {
      const { file, out } = scenarioFile(`name: some-errors\nwebhook:\n  target: ${server.url}\n  load: { model: open, rate: 200, duration: 1s }\n`);
      const run = await pushbench(['run', file, '--out', out]);
      // Valid unless this busy machine made the generator late; never invalid for want of successes.
      expect(run.stdout).not.toContain('no request succeeded');
      expect([0, 3]).toContain(run.code);
      expect(run.stdout.split('\n')[0]).toMatch(/ERRORS: 50 of 200 requests failed \(25\.00%\)/);
    } finally {
      await server.close();
    }
    const failing = await startServer((_request, response) => {
      response.statusCode = 503;
      response.end('down');
    });
    try {
      const { file, out } = scenarioFile(`name: all-5xx\nwebhook:\n  target: ${failing.url}\n  load: { model: closed, connections: 2, duration: 500ms }\n`);
      const run = await pushbench(['run', file, '--out', out]);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(new RegExp(`no request succeeded: \\d+ 5xx by ${failing.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    } finally {
      await failing.close();
    }
  });

  it('websocket: no connection opened -> exit 3 naming the URL and the class', async () => {
    const port = await closedPort();
    const { file, out } = scenarioFile(`name: ws-refused\nwebsocket:\n  target: ws://127.0.0.1:${port}/\n  connections: 20\n  connectRate: 200\n  hold: 0s\n`);
    const run = await pushbench(['run', file, '--out', out]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`no connection opened: 20 refused by ws://127.0.0.1:${port}/ (is it running?)`);
    expect(run.stdout.split('\n')[0]).toMatch(/ERRORS: 20 of 20 connections failed/);
  });
});
