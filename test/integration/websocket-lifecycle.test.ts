import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { eventually, isAlive, pidsMatching } from '../helpers/processes.js';

const root = resolve(import.meta.dirname, '../..');
const ROLE_MARKER = '--pushbench-role=ws-';

describe('no websocket child outlives a run', () => {
  it('a client shard killed mid-run is reported as a crash; the run ends and leaves no child', async () => {
    process.env.PUSHBENCH_WS_PER_PROCESS = '100';
    let killed = 0;
    let fullTicks = 0;
    try {
      const scenario = scenarioFrom('name: ws-crash\nwebsocket: { connections: 200, connectRate: 1000, hold: 3s, echo: { rate: 1 } }\n');
      const result = await runScenario(scenario, {
        onProgress: (progress) => {
          if (killed !== 0 || progress.openConnections !== 200) return;
          // The second tick with every connection open: the shards' counts of the first one have arrived.
          if (++fullTicks < 2) return;
          const [pid] = pidsMatching(`${ROLE_MARKER}client-1`, process.pid);
          if (pid === undefined) return;
          killed = pid;
          process.kill(pid, 'SIGKILL');
        },
      });
      expect(killed).toBeGreaterThan(0);
      expect(result.counters['ws.processes.crashed']).toBe(1);
      expect(result.validity.ok).toBe(false);
      expect(result.validity.reasons.some((reason) => reason.startsWith(`ws-client-1 (pid ${killed}) died during the run (SIGKILL)`))).toBe(true);
      // The surviving shard and both servers reported; the killed shard's connections were opened before it died.
      expect(result.validity.shards?.map((shard) => shard.role)).toEqual(['ws-client-0', 'ws-server-0', 'ws-server-1']);
      expect(result.counters['ws.connections.opened']).toBe(200);
      expect(result.counters['ws.server.connections.opened']).toBe(200);
      expect(liveChildren()).toBe(0);
      expect(pidsMatching(ROLE_MARKER, process.pid)).toEqual([]);
    } finally {
      delete process.env.PUSHBENCH_WS_PER_PROCESS;
    }
  });

  it('SIGKILL of the run process: every shard and server exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-ws-kill-'));
    const file = join(dir, 'ws-kill.yaml');
    writeFileSync(file, 'name: ws-kill\nwebsocket: { connections: 100, connectRate: 1000, hold: 60s }\n');
    const cli = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'run', file, '--out', dir], { cwd: root, stdio: 'ignore' });
    const children: number[] = [];
    const started = await eventually(() => {
      children.splice(0, children.length, ...pidsMatching(ROLE_MARKER, cli.pid));
      return children.length === 2;
    }, 20_000);
    expect(started).toBe(true);
    cli.kill('SIGKILL');
    expect(await eventually(() => children.every((pid) => !isAlive(pid)), 5_000)).toBe(true);
  });

  it('Ctrl-C (SIGINT) of the run process: the run stops early, writes an interrupted result and leaves no child', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-ws-int-'));
    const file = join(dir, 'ws-int.yaml');
    writeFileSync(file, 'name: ws-int\nwebsocket: { connections: 100, connectRate: 1000, hold: 60s, broadcast: { every: 100ms } }\n');
    const cli = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'run', file, '--out', dir], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolveExit) => cli.on('exit', (code) => resolveExit(code)));
    const children: number[] = [];
    expect(
      await eventually(() => {
        children.splice(0, children.length, ...pidsMatching(ROLE_MARKER, cli.pid));
        return children.length === 2;
      }, 20_000),
    ).toBe(true);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1_500));
    cli.kill('SIGINT');
    expect(await exited).toBe(3);
    expect(children.every((pid) => !isAlive(pid))).toBe(true);
    const resultFile = join(dir, 'result.json');
    expect(existsSync(resultFile)).toBe(true);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { interrupted: boolean; counters: Record<string, number> };
    expect(result.interrupted).toBe(true);
    expect(result.counters['ws.connections.opened']).toBe(100);
    expect(result.counters['ws.broadcast.missing']).toBe(0);
  });
});
