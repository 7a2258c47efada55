import { readFileSync } from 'node:fs';

/**
 * The machine's CPU time from the first line of /proc/stat (all CPUs, in clock ticks): `steal` is
 * the time the hypervisor ran something else while this VM's vCPUs wanted to run (vmstat's `st`).
 */
export interface HostCpuTicks {
  totalTicks: number;
  stealTicks: number;
}

/** Undefined where /proc/stat is missing or has no steal column (not Linux, or an old kernel). */
export function hostCpuTicks(): HostCpuTicks | undefined {
  try {
    return hostCpuTicksFromProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The first line of a /proc/stat text; undefined when it is not the machine's `cpu` line with a steal column. */
export function hostCpuTicksFromProcStat(procStat: string): HostCpuTicks | undefined {
  const fields = (procStat.split('\n', 1)[0] ?? '').trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) return undefined;
  // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
  const ticks = fields.slice(1, 9).map(Number);
  if (!ticks.every(Number.isFinite)) return undefined;
  return { totalTicks: ticks.reduce((sum, value) => sum + value, 0), stealTicks: ticks[7]! };
}

/** Between two readings: stolen ticks over all ticks of every CPU. Absent without both, or without ticks between them. */
export function hostStealShare(from: HostCpuTicks | undefined, to: HostCpuTicks | undefined): number | undefined {
  if (!from || !to) return undefined;
  const total = to.totalTicks - from.totalTicks;
  if (total <= 0) return undefined;
  return Math.round((Math.max(0, to.stealTicks - from.stealTicks) / total) * 10_000) / 10_000;
}
