import { insecureWarning } from '../scenario/tls-schema.js';
import { readFileSync } from 'node:fs';
import { InputError, RunError } from '../errors.js';
import { WHOLE_PLAN, type Stripe } from '../load/stripe.js';
import { Recorder } from '../metrics/recorder.js';
import { settleHeap } from '../metrics/settle-heap.js';
import { startProcessMonitor } from '../metrics/process-monitor.js';
import type { ScenarioConfig } from '../scenario/schema.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { tlsSections } from '../scenario/tls-sections.js';
import { collectEnv } from '../result/env-info.js';
import { redactSecrets } from '../result/redact.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/run-result.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';
import type { ProgressSnapshot } from './progress.js';
import { judgeValidity } from './validity.js';
import { planHash, unshardableReason } from './shard-plan.js';
import { StartGate } from './start-gate.js';
import { phasesOf, plannedWindowUs } from './phases.js';
import { startOutputs, type OutputOptions } from '../outputs/start-outputs.js';
import { resolveTestId } from '../outputs/testid.js';

export interface RunOptions {
  /** Abort to end the run early (Ctrl-C): in-flight work drains briefly and the result is still returned. */
  signal?: AbortSignal;
  /** Called once a second while load runs. */
  onProgress?: (progress: ProgressSnapshot) => void;
  /** Run only part I of N of the plan (`--shard I/N`); the result gains `shard` and its thresholds wait for merge. */
  shard?: Stripe;
  /** A common start (Unix ms, `--start-at`): the schedule starts at that wall-clock instant. */
  startAtMs?: number;
  /** Called when targets and pools are up and the run waits `waitMs` for --start-at (negative: it is late). */
  onWaitingForStart?: (waitMs: number) => void;
  /** Live outputs (Prometheus remote write, the dashboard) on top of the scenario's `outputs`. */
  outputs?: OutputOptions;
}

/** Runs a validated scenario: each section's phase (targets up -> load -> drain -> targets down) -> RunResult. */
export async function runScenario(scenario: LoadedScenario, options: RunOptions = {}): Promise<RunResult> {
  const { config } = scenario;
  const stripe = options.shard ?? WHOLE_PLAN;
  const unshardable = options.shard ? unshardableReason(config, options.shard.count) : undefined;
  if (unshardable) throw new InputError(`--shard: ${scenario.file}: ${unshardable}`);
  const phases = phasesOf(config);
  const noCommonStart = phases.find((phase) => phase.noCommonStartReason)?.noCommonStartReason;
  if (options.startAtMs !== undefined && noCommonStart) throw new InputError(`--start-at: ${scenario.file}: ${noCommonStart}`);
  const startedAt = new Date();
  // Restarted when the measured schedule starts: validity judges the window the numbers come from,
  // not start-up (loading, starting targets, warm-up), which several shards starting at once crowd.
  const monitor = startProcessMonitor();
  const recorder = new Recorder();
  const live = startOutputs(
    recorder,
    { testid: resolveTestId(options.outputs?.testid, options.startAtMs), scenario: config.name, shard: stripe.index },
    config.outputs,
    options.outputs,
  );
  const onProgress = (progress: ProgressSnapshot): void => {
    live.levels(progress);
    options.onProgress?.(progress);
  };
  const gate = new StartGate(options.startAtMs, options.onWaitingForStart);
  let started = false;
  const context: PhaseContext = {
    recorder,
    seed: config.seed,
    stripe,
    waitForStart: async (signal) => {
      if (!started) {
        await live.ready(); // a remote-write thread loads before the schedule, not during it
        settleHeap();
      }
      const startUs = await gate.open(signal);
      if (!started) {
        recorder.restartAt(startUs);
        monitor.restart();
      }
      started = true;
      return startUs;
    },
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress,
  };
  const outcomes: PhaseOutcome[] = [];
  try {
    for (const phase of phases) outcomes.push(await phase.run(config, context));
    if (outcomes.length === 0) throw new RunError(`${scenario.file}: nothing to run`);
  } catch (error) {
    recorder.close();
    await live.finish(); // a failed run still ends its outputs (their last write, their sockets)
    throw error;
  }
  const output = recorder.close();
  const health = monitor.stop();
  const outputs = await live.finish();
  const interrupted = options.signal?.aborted ?? false;
  const delivery = outcomes.find((outcome) => outcome.delivery)?.delivery;
  const pipeline = outcomes.find((outcome) => outcome.pipeline)?.pipeline;
  const validity = judgeValidity(outcomes, health, interrupted);
  validity.warnings.push(...outputs.warnings);
  validity.warnings.push(...insecureTlsWarnings(config));
  if (gate.reason) {
    validity.ok = false;
    validity.reasons.push(gate.reason);
  }
  const start = gate.start ?? { startedAt: startedAt.toISOString(), startSkewUs: 0 };
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'pushbench', version: toolVersion() },
    scenario: { name: config.name, file: scenario.file, config: redactSecrets(scenario.source) },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    plannedWindowUs: plannedWindowUs(config),
    interrupted,
    env: collectEnv(),
    metrics: output.metrics,
    counters: sortedKeys({ ...output.counters, ...outputs.counters }),
    timeline: output.timeline,
    ...(Object.keys(output.causes).length > 0 ? { causes: output.causes } : {}),
    validity,
    ...(delivery ? { delivery } : {}),
    ...(pipeline ? { pipeline } : {}),
    ...(options.shard
      ? {
          shard: {
            index: options.shard.index,
            count: options.shard.count,
            planHash: planHash(config, options.shard.count),
            ...start,
            ...(options.startAtMs !== undefined ? { startAt: new Date(options.startAtMs).toISOString() } : {}),
          },
        }
      : {}),
  };
}

function sortedKeys(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A warning per section that skips certificate verification (`tls.insecure`). */
function insecureTlsWarnings(config: ScenarioConfig): string[] {
  return tlsSections(config).flatMap(([tls, at]) => (tls?.insecure ? [insecureWarning(at.join('.'))] : []));
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
