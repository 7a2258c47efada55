import { InputError } from '../errors.js';
import { DashboardOutput, DEFAULT_DASHBOARD_PORT } from '../report/dashboard/dashboard-output.js';
import type { OutputOptions } from '../outputs/start-outputs.js';
import { resolveTestId, testIdProblem } from '../outputs/testid.js';

export interface LiveOutputArgs {
  /** `--prometheus URL` */
  prometheus?: string | undefined;
  /** `--testid ID` */
  testid?: string | undefined;
  /** `--dashboard [PORT]`: '' when given without a port. */
  dashboard?: string | undefined;
}

/** Turns the live-output flags (and PUSHBENCH_PROMETHEUS_URL) into run options; starts the dashboard's server. */
export async function prepareLiveOutputs(
  args: LiveOutputArgs,
  scenarioName: string,
  startAtMs: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ outputs: OutputOptions; dashboard?: DashboardOutput }> {
  const fromFlag = args.prometheus !== undefined;
  const urlText = fromFlag ? args.prometheus : env.PUSHBENCH_PROMETHEUS_URL || undefined;
  const prometheusUrl = urlText === undefined ? undefined : parseHttpUrl(urlText, fromFlag ? '--prometheus' : 'PUSHBENCH_PROMETHEUS_URL');
  if (args.testid !== undefined) {
    const problem = testIdProblem(args.testid);
    if (problem) throw new InputError(`--testid: ${problem}`);
  }
  const port = args.dashboard === undefined ? undefined : parsePort(args.dashboard);
  // One id for every trial of --repeat (and, through --start-at or --testid, every shard).
  const outputs: OutputOptions = { testid: resolveTestId(args.testid, startAtMs), ...(prometheusUrl ? { prometheusUrl } : {}) };
  if (port === undefined) return { outputs };
  const dashboard = await DashboardOutput.listen(port, scenarioName);
  return { outputs: { ...outputs, sinks: [dashboard] }, dashboard };
}

function parseHttpUrl(text: string, source: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InputError(`${source}: expected an http:// or https:// remote-write URL, like http://127.0.0.1:9090/api/v1/write`);
  }
  return url;
}

function parsePort(text: string): number {
  if (text === '') return DEFAULT_DASHBOARD_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new InputError(`--dashboard: expected a port number (0-65535, 0 for any free port), got "${text}"; name the scenario before --dashboard`);
  }
  return port;
}
