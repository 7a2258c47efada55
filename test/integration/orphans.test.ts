import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { eventually, isAlive } from '../helpers/processes.js';

/** Direct children of `pid` (pgrep -P). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Every descendant of `pid`. */
function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  for (const child of childrenOf(pid)) found.push(child, ...descendantsOf(child));
  return found;
}

let dir = '';
let cli: ChildProcess | undefined;
const spawned: number[] = [];
afterEach(async () => {
  cli?.kill('SIGKILL');
  for (const pid of spawned.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `pushbench run` on `yaml`, waits until it has `children` descendants, kill -9s it, and returns them. */
async function killMidRun(yaml: string, children: number, env: Record<string, string> = {}): Promise<number[]> {
  dir = await mkdtemp(join(tmpdir(), 'pushbench-orphans-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, yaml);
  cli = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'run', file, '--out', join(dir, 'out')], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
  });
  const pid = cli.pid!;
  let pids: number[] = [];
  const started = await eventually(() => (pids = descendantsOf(pid)).length >= children, 40_000, 100);
  expect(started, `pushbench started ${pids.length} of ${children} child processes`).toBe(true);
  spawned.push(...pids);
  // Let the run get going (load flowing) before the kill.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  pids = descendantsOf(pid);
  spawned.push(...pids);
  process.kill(pid, 'SIGKILL');
  return pids;
}

describe('kill -9 of pushbench leaves no child behind within 5 s', () => {
  it('websocket: 3 client shards and 3 built-in servers exit when their parent is gone', async () => {
    const pids = await killMidRun(
      'name: orphan-ws\nwebsocket: { target: builtin, connections: 30, connectRate: 300, hold: 60s, echo: { rate: 2 } }\n',
      6,
      { PUSHBENCH_WS_PER_PROCESS: '10' },
    );
    expect(pids.length).toBeGreaterThanOrEqual(6);
    const gone = await eventually(() => pids.every((pid) => !isAlive(pid)), 5_000);
    expect(pids.filter(isAlive), 'children still alive 5 s after kill -9').toEqual([]);
    expect(gone).toBe(true);
  }, 60_000);

  it('webhook: the built-in receiver exits when its parent is gone', async () => {
    const pids = await killMidRun('name: orphan-webhook\nwebhook:\n  target: builtin\n  load: { model: open, rate: 50, duration: 60s }\n', 1);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    const gone = await eventually(() => pids.every((pid) => !isAlive(pid)), 5_000);
    expect(pids.filter(isAlive), 'children still alive 5 s after kill -9').toEqual([]);
    expect(gone).toBe(true);
  }, 60_000);
});
