import { readFileSync } from 'node:fs';
import { InputError, RunError } from '../errors.js';
import { WHOLE_PLAN, type Stripe } from '../load/stripe.js';
import { Recorder } from '../metrics/recorder.js';
import { startProcessMonitor } from '../metrics/process-monitor.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { ScenarioConfig } from '../scenario/schema.js';
import { collectEnv } from '../result/env-info.js';
import { redactSecrets } from '../result/redact.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/run-result.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';
import type { ProgressSnapshot } from './progress.js';
import { judgeValidity } from './validity.js';
import { lateSendThresholdUs } from '../load/timer-resolution.js';
import { planHash, unshardableReason } from './shard-plan.js';
import { StartGate } from './start-gate.js';
import { runWebhookPhase } from './webhook-phase.js';
import { runWebsocketPhase } from './websocket-phase.js';
import { runDeliveryPhase } from './delivery-phase.js';
import { runSsePhase } from './sse-phase.js';
import { runPipelinePhase } from './pipeline-phase.js';
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
  if (options.startAtMs !== undefined && config.delivery) {
    throw new InputError(`--start-at: ${scenario.file}: a delivery scenario runs its transports one after another and has no common start to wait for`);
  }
  const startedAt = new Date();
  const monitor = startProcessMonitor();
  await lateSendThresholdUs(); // measured first, on a quiet event loop, so no schedule waits for it and no start-up work inflates it
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
      const startUs = await gate.open(signal);
      if (!started) recorder.restartAt(startUs);
      started = true;
      return startUs;
    },
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress,
  };
  const outcomes: PhaseOutcome[] = [];
  try {
    if (config.webhook) outcomes.push(await runWebhookPhase(config.webhook, context));
    if (config.websocket) outcomes.push(await runWebsocketPhase(config.websocket, context));
    if (config.sse) outcomes.push(await runSsePhase(config.sse, context));
    if (config.delivery) outcomes.push(await runDeliveryPhase(config.delivery, context));
    if (config.pipeline) outcomes.push(await runPipelinePhase(config.pipeline, context));
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
  const validity = judgeValidity(outcomes, health, interrupted, await lateSendThresholdUs());
  validity.warnings.push(...outputs.warnings);
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
    validity,
    ...(delivery ? { delivery } : {}),
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

/** The planned length of the load that rates are measured over (see RunResult.plannedWindowUs). */
export function plannedWindowUs(config: ScenarioConfig): number {
  if (config.webhook) return config.webhook.load.durationUs;
  if (config.delivery) return config.delivery.events.durationUs;
  if (config.pipeline && !config.websocket && !config.sse) return config.pipeline.ingest.load.durationUs;
  if (config.sse && !config.websocket) return Math.round((config.sse.connections / config.sse.connectRatePerSec) * 1e6) + config.sse.holdUs;
  const websocket = config.websocket!;
  return Math.round((websocket.connections / websocket.connectRatePerSec) * 1e6) + websocket.holdUs;
}

function sortedKeys(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
