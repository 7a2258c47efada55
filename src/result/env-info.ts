import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { EnvInfo } from './run-result.js';

/** The machine a run measured on: results from different machines are not comparable without it. */
export function collectEnv(): EnvInfo {
  const cpus = os.cpus();
  const env: EnvInfo = {
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    hostname: os.hostname(),
  };
  const commit = gitCommit();
  if (commit) env.gitCommit = commit;
  return env;
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2_000 }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
