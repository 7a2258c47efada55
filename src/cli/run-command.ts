import { InputError } from '../errors.js';
import { loadScenario, resolveScenarioPath, type ScenarioOverrides } from '../scenario/load-scenario.js';
import { defaultRunDir, probeOutputs, removeDirIfEmpty } from '../result/write-result.js';
import { finishResult } from './finish-result.js';
import { createProgressPrinter } from './progress-printer.js';
import { handleStopSignals } from './stop-signals.js';
import { parseShard } from '../run/shard-plan.js';
import { parseStartAt } from '../run/start-gate.js';
import { withThresholds } from '../gate/run-gate.js';
import { checkRepeat, runTrials } from '../run/trials.js';
import { prepareLiveOutputs, type LiveOutputArgs } from './live-outputs.js';
import { join } from 'node:path';

export const DEFAULT_SCENARIO = 'webhook-vs-websocket';

export interface RunArgs extends LiveOutputArgs {
  scenario?: string | undefined;
  out?: string | undefined;
  target?: string | undefined;
  duration?: string | undefined;
  rate?: number | undefined;
  json?: boolean | undefined;
  /** Trials to run and keep in one result (compare takes their medians). */
  repeat?: number | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
  /** `--shard I/N`; PUSHBENCH_SHARD when the flag is absent. */
  shard?: string | undefined;
  /** `--start-at <ISO-8601 | unix ms>` */
  startAt?: string | undefined;
}

/** `pushbench run`: argv -> runScenario -> result.json + summary. Returns the exit code. */
export async function runCommand(args: RunArgs): Promise<number> {
  const overrides = overridesFrom(args);
  const repeat = checkRepeat(args.repeat);
  const shardText = args.shard ?? process.env.PUSHBENCH_SHARD;
  const shard = shardText === undefined || shardText === '' ? undefined : parseShard(shardText, args.shard !== undefined ? '--shard' : 'PUSHBENCH_SHARD');
  if (shard && repeat > 1) throw new InputError('--repeat: a shard runs its part once; repeat the whole sharded run instead');
  const startAtMs = args.startAt === undefined ? undefined : parseStartAt(args.startAt);
  const file = resolveScenarioPath(args.scenario ?? DEFAULT_SCENARIO);
  const scenario = await loadScenario(file, overrides);
  const startedAt = new Date();
  const outDir = args.out ?? defaultRunDir(shard ? `${scenario.config.name}-shard-${shard.index}-of-${shard.count}` : scenario.config.name, startedAt);
  await probeOutputs(outDir, args);
  const live = await prepareLiveOutputs(args, scenario.config.name, startAtMs);
  const controller = new AbortController();
  const removeSignalHandlers = handleStopSignals(controller);
  const printer = createProgressPrinter(process.stderr, live.dashboard ? `  live ${live.dashboard.url}` : '');
  if (live.dashboard) process.stderr.write(`live dashboard: ${live.dashboard.url}\n`);
  let reportPath: string | undefined;
  try {
    const onTrial = (trial: number, of: number): void => {
      if (of > 1) process.stderr.write(`${trial > 1 ? '\n' : ''}trial ${trial} of ${of}\n`);
    };
    const trials = await runTrials(scenario, {
      repeat,
      onTrial,
      signal: controller.signal,
      outputs: live.outputs,
      onProgress: (progress) => printer.print(progress),
      ...(shard ? { shard } : {}),
      ...(startAtMs !== undefined
        ? {
            startAtMs,
            onWaitingForStart: (waitMs: number) =>
              process.stderr.write(
                waitMs >= 0
                  ? `ready; waiting ${(waitMs / 1000).toFixed(1)} s for --start-at ${new Date(startAtMs).toISOString()}\n`
                  : `ready ${(-waitMs / 1000).toFixed(1)} s after --start-at ${new Date(startAtMs).toISOString()}: this run is late\n`,
              ),
          }
        : {}),
    });
    // A shard's numbers are a part: its thresholds are judged on the merged result.
    const result = shard ? trials : withThresholds(trials, scenario.config.thresholds);
    printer.done();
    const code = await finishResult(result, { outDir, json: args.json, junit: args.junit, markdown: args.markdown });
    reportPath = join(outDir, 'report.html');
    return code;
  } catch (error) {
    await removeDirIfEmpty(outDir);
    throw error;
  } finally {
    removeSignalHandlers();
    if (live.dashboard) {
      live.dashboard.ended(reportPath);
      await live.dashboard.close();
    }
  }
}

function overridesFrom(args: RunArgs): ScenarioOverrides {
  const overrides: ScenarioOverrides = {};
  if (args.duration !== undefined) overrides.duration = args.duration;
  if (args.rate !== undefined) {
    if (!Number.isFinite(args.rate) || args.rate <= 0) throw new InputError(`--rate: expected a number of requests per second above 0, got "${args.rate}"`);
    overrides.rate = args.rate;
  }
  if (args.target !== undefined) overrides.target = args.target;
  return overrides;
}
