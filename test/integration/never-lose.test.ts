import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pushbench } from '../helpers/cli.js';
import { pidsMatching } from '../helpers/processes.js';
import { startServer, type TestServer } from '../helpers/servers.js';

interface WrittenResult {
  interrupted: boolean;
  validity: { ok: boolean };
  counters: Record<string, number>;
}

const work = mkdtempSync(join(tmpdir(), 'pushbench-neverlose-'));
let server: TestServer;
let received = 0;

beforeAll(async () => {
  server = await startServer((_request, response) => {
    received++;
    response.end('ok');
  });
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  received = 0;
});

function scenarioFile(name: string, text: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

function webhookScenario(name: string, rate: number, duration: string): string {
  return scenarioFile(name, `name: ${name}\nwebhook:\n  target: ${server.url}\n  load: { model: open, rate: ${rate}, duration: ${duration} }\n`);
}

function readResultFile(path: string): WrittenResult {
  return JSON.parse(readFileSync(path, 'utf8')) as WrittenResult;
}

function leftoverTemps(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tmp-|\.pushbench-probe-/.test(name));
}

/** Two progress lines on stderr: load has been flowing for a while. */
const MID_RUN = /rate [1-9]\d*\/s[^\n]*\n[^\n]*rate/;

describe('an output directory that cannot be written is found before any load', () => {
  it('run: exit 2, one line naming the directory and the OS error, and the target sees 0 requests', async () => {
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const out = join(blocker, 'run');
    const result = await pushbench(['run', webhookScenario('unwritable', 50, '5s'), '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`pushbench: --out ${out}: cannot write to this directory (ENOTDIR: not a directory, mkdir '${out}')`]);
    expect(received).toBe(0);
  });

  it('merge: exit 2 with the same line, before reading a shard', async () => {
    const blocker = join(work, 'another-file');
    writeFileSync(blocker, 'not a directory');
    const out = join(blocker, 'merged');
    const result = await pushbench(['merge', join(work, 'no-such-shards'), '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`pushbench: --out ${out}: cannot write to this directory (ENOTDIR: not a directory, mkdir '${out}')`]);
  });
});

describe('SIGTERM is handled like Ctrl-C', () => {
  it('SIGTERM mid-run: an interrupted result.json whose counts equal what the target received, exit 3', async () => {
    const out = join(work, 'sigterm');
    const startedMs = Date.now();
    const result = await pushbench(['run', webhookScenario('sigterm', 50, '60s'), '--out', out], { interruptWhen: MID_RUN, signal: 'SIGTERM' });
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/stopping \(SIGTERM\)/);
    const written = readResultFile(join(out, 'result.json'));
    expect(written.interrupted).toBe(true);
    expect(written.validity.ok).toBe(false);
    expect(written.counters['webhook.sent']).toBeGreaterThan(0);
    expect(written.counters['webhook.sent']).toBe(received);
    expect(written.counters['webhook.ok']).toBe(received);
    expect(leftoverTemps(out)).toEqual([]);
  });

  it('SIGTERM to the whole process group: the built-in receiver hands over its count before exiting, none outlives the run', async () => {
    const out = join(work, 'sigterm-group');
    const file = scenarioFile('sigterm-group', 'name: sigterm-group\nwebhook:\n  load: { model: open, rate: 50, duration: 60s }\n');
    let cliPid = 0;
    const result = await pushbench(['run', file, '--out', out], {
      interruptWhen: MID_RUN,
      signal: 'SIGTERM',
      signalGroup: true,
      onStderr: (_stderr, child) => (cliPid = child.pid ?? 0),
    });
    expect(result.code).toBe(3);
    const written = readResultFile(join(out, 'result.json'));
    expect(written.interrupted).toBe(true);
    expect(written.counters['webhook.sent']).toBeGreaterThan(0);
    expect(written.counters['receiver.received']).toBe(written.counters['webhook.sent']);
    expect(written.counters['webhook.ok']).toBe(written.counters['webhook.sent']);
    expect(pidsMatching('--pushbench-role=', cliPid)).toEqual([]);
  });

  it('SIGTERM that reaches only the built-in receiver: it tells the run, which stops and still gets its count', async () => {
    const out = join(work, 'sigterm-child');
    const file = scenarioFile('sigterm-child', 'name: sigterm-child\nwebhook:\n  load: { model: open, rate: 50, duration: 60s }\n');
    let receiverPid: number | undefined;
    const result = await pushbench(['run', file, '--out', out], {
      onStderr: (stderr, child) => {
        if (receiverPid !== undefined || !MID_RUN.test(stderr)) return;
        receiverPid = pidsMatching('--pushbench-role=receiver', child.pid)[0];
        if (receiverPid !== undefined) process.kill(receiverPid, 'SIGTERM');
      },
    });
    expect(receiverPid).toBeGreaterThan(0);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('stopping (SIGTERM reached receiver)');
    const written = readResultFile(join(out, 'result.json'));
    expect(written.interrupted).toBe(true);
    expect(written.counters['webhook.sent']).toBeGreaterThan(0);
    expect(written.counters['receiver.received']).toBe(written.counters['webhook.sent']);
  });

  it('SIGTERM to the whole process group of a WebSocket run: every client shard and server reports', async () => {
    const out = join(work, 'sigterm-ws');
    const file = scenarioFile('sigterm-ws', 'name: sigterm-ws\nwebsocket: { connections: 100, connectRate: 1000, hold: 60s, broadcast: { every: 100ms } }\n');
    const result = await pushbench(['run', file, '--out', out], {
      interruptWhen: /connections 100[^\n]*\n[^\n]*connections 100/,
      signal: 'SIGTERM',
      signalGroup: true,
    });
    expect(result.code).toBe(3);
    const written = readResultFile(join(out, 'result.json'));
    expect(written.interrupted).toBe(true);
    expect(written.counters['ws.processes.crashed'] ?? 0).toBe(0);
    expect(written.counters['ws.connections.opened']).toBe(100);
    expect(written.counters['ws.server.connections.opened']).toBe(100);
    expect(written.counters['ws.broadcast.missing']).toBe(0);
  });
});

describe('a second signal quits at once', () => {
  it('SIGTERM, then SIGTERM again while in-flight requests drain: exit 143 at once, no child and no temp file left', async () => {
    const out = join(work, 'twice');
    // A target that never answers: the first SIGTERM starts a 2 s drain, the second one cuts it.
    const hangingServer = await startServer(() => {});
    const file = scenarioFile('twice', `name: twice\nwebhook:\n  target: ${hangingServer.url}\n  load: { model: open, rate: 50, duration: 60s }\n`);
    let cliPid = 0;
    let signalled = 0;
    let secondAtMs = 0;
    const startedMs = Date.now();
    const result = await pushbench(['run', file, '--out', out], {
      onStderr: (stderr, child) => {
        cliPid = child.pid ?? 0;
        if (signalled === 0 && MID_RUN.test(stderr)) {
          signalled = 1;
          child.kill('SIGTERM');
        } else if (signalled === 1 && /stopping \(SIGTERM\)/.test(stderr)) {
          signalled = 2;
          secondAtMs = Date.now();
          child.kill('SIGTERM');
        }
      },
    });
    await hangingServer.close();
    expect(signalled).toBe(2);
    expect(result.code).toBe(143);
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    expect(Date.now() - secondAtMs).toBeLessThan(2_000); // within the drain's own 2 s grace: it did not wait for it
    expect(pidsMatching('--pushbench-role=', cliPid)).toEqual([]);
    expect(existsSync(out) ? leftoverTemps(out) : []).toEqual([]);
  });
});

describe('a CI file that cannot be written is a warning', () => {
  it('--junit refused after the run: the warning names the file and the command that remakes it; result.json and report.html are there; the run\'s own exit code', async () => {
    const out = join(work, 'junit-refused');
    const junit = join(out, 'thresholds.junit.xml');
    mkdirSync(junit, { recursive: true }); // a directory where the file should go: the write fails after the probe passed
    const result = await pushbench(['run', webhookScenario('junit-refused', 20, '1s'), '--out', out, '--junit', junit]);
    const written = readResultFile(join(out, 'result.json'));
    expect(result.code).toBe(written.validity.ok ? 0 : 3);
    expect(result.stderr).toContain(`pushbench: warning: --junit ${junit}: cannot write the file (EISDIR); remake it with: pushbench report ${join(out, 'result.json')} --junit ${junit}`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    rmSync(junit, { recursive: true });
    const again = await pushbench(['report', join(out, 'result.json'), '--junit', junit]);
    expect(again.code).toBe(0);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml/);
  });
});

/** A 64 KiB tmpfs (root only): room for result.json (a few KB), not for report.html (hundreds of KB). */
function mountSmallDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

function unmount(dir: string): void {
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Whether this process may mount (tried once and undone at once, so a filtered run leaves no mount behind). */
function canMount(): boolean {
  try {
    unmount(mountSmallDisk());
    return true;
  } catch {
    return false; // not root: test/unit/result/write-result.test.ts covers the same paths with simulated failures
  }
}

function fillDisk(dir: string): void {
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(256 * 1024));
  } catch {
    // ENOSPC: the disk is full now, which is the point
  }
}

describe.skipIf(!canMount())('a full disk never loses the result (64 KiB tmpfs)', () => {
  let disk: string | undefined;
  beforeAll(() => {
    disk = mountSmallDisk();
  });
  afterAll(() => {
    if (disk) unmount(disk);
  });
  afterEach(() => {
    for (const name of readdirSync(disk!)) rmSync(join(disk!, name), { recursive: true, force: true });
  });

  it('result.json fits, report.html does not: a warning naming the file and the command that remakes it, the run\'s own exit code', async () => {
    const out = join(disk!, 'run');
    const junit = join(disk!, 'run', 'thresholds.junit.xml');
    const result = await pushbench(['run', webhookScenario('small-disk', 20, '1s'), '--out', out, '--junit', junit]);
    const written = readResultFile(join(out, 'result.json'));
    expect(result.code).toBe(written.validity.ok ? 0 : 3);
    const report = join(out, 'report.html');
    expect(result.stderr).toContain(`pushbench: warning: could not write ${report} (ENOSPC: no space left on device`);
    expect(result.stderr).toContain(`remake the report with: pushbench report ${join(out, 'result.json')} --out ${report}`);
    expect(existsSync(report)).toBe(false);
    expect(written.counters['webhook.sent']).toBe(received);
    expect(result.stdout).toMatch(/pushbench small-disk/);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml/); // small: it fits once the report's temp file is gone
    expect(leftoverTemps(disk!)).toEqual([]);
    // The command the warning names remakes what was lost, elsewhere.
    const remade = join(work, 'remade.html');
    const again = await pushbench(['report', join(out, 'result.json'), '--out', remade]);
    expect(again.code).toBe(0);
    expect(readFileSync(remade, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('the disk fills up mid-run: result.json goes to the temp directory, the error line says where, exit 3, no temp file left', async () => {
    const out = join(disk!, 'run');
    const rescueRoot = mkdtempSync(join(work, 'tmpdir-'));
    const result = await pushbench(['run', webhookScenario('fills-up', 20, '3s'), '--out', out], {
      env: { TMPDIR: rescueRoot },
      onStderr: (stderr) => {
        if (/\] rate \d+\/s/.test(stderr) && !existsSync(join(disk!, 'filler'))) fillDisk(disk!);
      },
    });
    expect(existsSync(join(disk!, 'filler'))).toBe(true);
    expect(result.code).toBe(3);
    const line = result.stderr.split('\n').find((each) => each.includes('could not write'))!;
    expect(line).toMatch(new RegExp(`^pushbench: run failed: could not write ${join(out, 'result.json')} \\(ENOSPC: no space left on device, write\\); the result was written to ${rescueRoot}/pushbench-fills-up-\\w+/result\\.json$`));
    const rescued = line.slice(line.lastIndexOf(' ') + 1);
    const written = readResultFile(rescued);
    expect(written.counters['webhook.sent']).toBeGreaterThan(0);
    expect(written.counters['webhook.sent']).toBe(received);
    // The report goes beside the rescued result.
    expect(existsSync(join(rescued, '..', 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'result.json'))).toBe(false);
    expect(leftoverTemps(disk!)).toEqual([]);
  });

  it('a disk already full: exit 2 before any load, naming the directory and ENOSPC', async () => {
    mkdirSync(join(disk!, 'full'));
    fillDisk(disk!);
    const out = join(disk!, 'full');
    const result = await pushbench(['run', webhookScenario('full-disk', 50, '5s'), '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`pushbench: --out ${out}: cannot write to this directory (ENOSPC: no space left on device, write)`);
    expect(received).toBe(0);
    expect(leftoverTemps(disk!)).toEqual([]);
  });
});
