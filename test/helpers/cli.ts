import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/main.ts');

export interface CliRun {
  code: number | null;
  /** The CLI's process id (a `prefix` such as taskset execs it, so the pid stays the CLI's). */
  pid: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment (GITHUB_STEP_SUMMARY is cleared unless given here). */
  env?: Record<string, string>;
  /** Send SIGINT (or `signal`) once stderr has shown this. */
  interruptWhen?: RegExp;
  /** The signal `interruptWhen` sends (default SIGINT). */
  signal?: NodeJS.Signals;
  /** Start the CLI in its own process group and signal the whole group, as a terminal or a container runtime may. */
  signalGroup?: boolean;
  /** Called with stderr so far on each chunk of it (e.g. to fill a disk mid-run). */
  onStderr?: (stderr: string, child: ChildProcess) => void;
  /** A command that execs the CLI, e.g. ['taskset', '-c', '0'] to pin it to CPU 0. */
  prefix?: string[];
}

/** Runs the pushbench CLI from source (tsx) in the repository root and collects its exit code and output. */
export function pushbench(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', CLI, ...args];
    const child = spawn(command!, commandArgs, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...options.env },
      detached: options.signalGroup ?? false,
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
      if (options.interruptWhen && !interrupted && options.interruptWhen.test(stderr)) {
        interrupted = true;
        const signal = options.signal ?? 'SIGINT';
        if (options.signalGroup) process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
    });
    child.on('exit', (code) => resolveRun({ code, pid: child.pid ?? 0, stdout, stderr }));
  });
}
