import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pushbench } from '../helpers/cli.js';

/** Bad live-output flags are bad input: one line naming the flag, exit 2, no stack trace, nothing run. */
describe('live-output flags', () => {
  const expectBadInput = (run: { code: number | null; stderr: string; stdout: string }, message: RegExp): void => {
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  };

  it('--prometheus, PUSHBENCH_PROMETHEUS_URL, --testid and --dashboard name what is wrong', async () => {
    const [flag, env, testid, port] = await Promise.all([
      pushbench(['run', 'webhook-burst', '--prometheus', 'prometheus:9090']),
      pushbench(['run', 'webhook-burst'], { env: { PUSHBENCH_PROMETHEUS_URL: 'udp://x' } }),
      pushbench(['run', 'webhook-burst', '--testid', 'x'.repeat(200)]),
      pushbench(['run', '--dashboard', 'webhook-burst']),
    ]);
    expectBadInput(flag, /^pushbench: --prometheus: expected an http:\/\/ or https:\/\/ remote-write URL/);
    expectBadInput(env, /^pushbench: PUSHBENCH_PROMETHEUS_URL: expected an http:\/\/ or https:\/\/ remote-write URL/);
    expectBadInput(testid, /^pushbench: --testid: expected 1 to 128 characters/);
    expectBadInput(port, /^pushbench: --dashboard: expected a port number .* got "webhook-burst"; name the scenario before --dashboard/);
  }, 60_000);

  it('--dashboard on a port in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const run = await pushbench(['run', 'webhook-burst', '--dashboard', String((taken.address() as AddressInfo).port)]);
      expectBadInput(run, /^pushbench: --dashboard: port \d+ on 127\.0\.0\.1 is in use; give another port, or 0 for any free one/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
