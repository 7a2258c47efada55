import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { pushbench } from '../helpers/cli.js';
import { startServer } from '../helpers/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'pushbench-crlf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('CR/LF in header values', () => {
  it('a static CR/LF (text or env value) is refused at validate time: exit 2, file:line:col, no value shown', async () => {
    const ws = write('ws.yaml', 'name: crlf\nwebsocket:\n  connections: 2\n  hold: 1s\n  connect:\n    headers:\n      X-Token: "abc\\r\\nX-Injected: 1"\n');
    const wsRun = await pushbench(['validate', ws]);
    expect(wsRun.code).toBe(2);
    expect(wsRun.stderr.trim()).toBe(`pushbench: ${ws}:7:16: websocket.connect.headers.X-Token: a header value cannot span lines (it holds a CR or LF)`);

    const webhook = write('env.yaml', 'name: crlf\nwebhook:\n  headers:\n    Authorization: "Bearer {{env.CRLF_TOKEN}}"\n  load: { model: open, rate: 10, duration: 1s }\n');
    const envRun = await pushbench(['validate', webhook], { env: { CRLF_TOKEN: 'secret-part\r\nX-Evil: 1' } });
    expect(envRun.code).toBe(2);
    expect(envRun.stderr.trim()).toBe(`pushbench: ${webhook}:4:20: webhook.headers.Authorization: environment variable CRLF_TOKEN holds a CR or LF: a header value cannot span lines`);
    expect(envRun.stderr).not.toContain('secret-part');

    const trigger = write('trigger.yaml', 'name: crlf\nwebsocket:\n  target: ws://127.0.0.1:9/\n  connections: 2\n  hold: 3s\n  broadcast:\n    every: 1s\n    trigger:\n      url: http://127.0.0.1:9/t\n      headers: { X-A: "1\\n2" }\n    match: { type: news }\n    id: id\n');
    const triggerRun = await pushbench(['validate', trigger]);
    expect(triggerRun.code).toBe(2);
    // One line at the header's value, as for webhook and connect headers (not the broadcast union's line about the built-in form).
    expect(triggerRun.stderr.trim()).toBe(`pushbench: ${trigger}:10:23: websocket.broadcast.trigger.headers.X-A: a header value cannot span lines (it holds a CR or LF)`);
    const fine = await pushbench(['validate', write('trigger-ok.yaml', readFileSync(trigger, 'utf8').replace('1\\n2', '12'))]);
    expect(fine.code).toBe(0);

    const triggerEnv = write('trigger-env.yaml', readFileSync(trigger, 'utf8').replace('X-A: "1\\n2"', 'Authorization: "Bearer {{env.CRLF_TOKEN}}"'));
    const triggerEnvRun = await pushbench(['validate', triggerEnv], { env: { CRLF_TOKEN: 'secret-part\r\nX-Evil: 1' } });
    expect(triggerEnvRun.code).toBe(2);
    expect(triggerEnvRun.stderr.trim()).toBe(
      `pushbench: ${triggerEnv}:10:33: websocket.broadcast.trigger.headers.Authorization: environment variable CRLF_TOKEN holds a CR or LF: a header value cannot span lines`,
    );
    expect(triggerEnvRun.stderr).not.toContain('secret-part');
  });

  it('a CR/LF that a row brings at send time fails that request (webhook.errors.badHeader), unsent; every other request goes out', async () => {
    const seen: string[] = []; // the target's own record of what arrived
    const server = await startServer((request, response) => {
      seen.push(String(request.headers['x-customer'] ?? ''));
      if (request.headers['x-injected'] !== undefined) seen.push('INJECTED');
      response.writeHead(200).end();
    });
    try {
      const rows = Array.from({ length: 20 }, (_unused, index) => JSON.stringify({ customer: index % 5 === 3 ? `c${index}\r\nX-Injected: 1` : `c${index}` }));
      write('rows.jsonl', `${rows.join('\n')}\n`);
      const file = write(
        'rows.yaml',
        `name: rows\nwebhook:\n  target: ${server.url}\n  headers:\n    X-Customer: "{{row.customer}}"\n  payload: { file: rows.jsonl }\n  load: { model: open, rate: 40, duration: 500ms }\n`,
      );
      const result = await runScenario(await loadScenario(file));
      const { counters } = result;
      expect(counters['webhook.sent']).toBe(20);
      expect(counters['webhook.errors.badHeader']).toBe(4); // rows 3, 8, 13, 18
      expect(counters['webhook.ok']).toBe(16);
      expect(result.metrics['webhook.latency']?.count).toBe(16);
      expect(seen).toHaveLength(16);
      expect(seen).not.toContain('INJECTED');
      expect(new Set(seen)).toEqual(new Set(rows.map((_row, index) => `c${index}`).filter((_name, index) => index % 5 !== 3)));
    } finally {
      await server.close();
    }
  });
});
