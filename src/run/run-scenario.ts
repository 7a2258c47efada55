import { insecureWarning } from '../scenario/tls-schema.js';
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
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const outcomes: PhaseOutcome[] = [];
  if (config.webhook) outcomes.push(await runWebhookPhase(config.webhook, context));
  if (config.websocket) outcomes.push(await runWebsocketPhase(config.websocket, context));
  if (config.delivery) outcomes.push(await runDeliveryPhase(config.delivery, context));
  if (outcomes.length === 0) throw new RunError(`${scenario.file}: nothing to run`);
  const output = recorder.close();
  const health = monitor.stop();
  const interrupted = options.signal?.aborted ?? false;
  const delivery = outcomes.find((outcome) => outcome.delivery)?.delivery;
  const validity = judgeValidity(outcomes, health, interrupted, await lateSendThresholdUs());
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
    counters: output.counters,
    timeline: output.timeline,
    ...(Object.keys(output.causes).length > 0 ? { causes: output.causes } : {}),
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

/** A warning per section that skips certificate verification (`tls.insecure`). */
function insecureTlsWarnings(config: ScenarioConfig): string[] {
  const sections: Array<[string, { tls?: { insecure: boolean } | undefined } | undefined]> = [
    ['webhook', config.webhook],
    ['websocket', config.websocket],
  ];
  return sections.flatMap(([name, section]) => (section?.tls?.insecure ? [insecureWarning(name)] : []));
}

/** The planned length of the load that rates are measured over (see RunResult.plannedWindowUs). */
export function plannedWindowUs(config: ScenarioConfig): number {
  if (config.webhook) return config.webhook.load.durationUs;
  if (config.delivery) return config.delivery.events.durationUs;
  const websocket = config.websocket!;
  return Math.round((websocket.connections / websocket.connectRatePerSec) * 1e6) + websocket.holdUs;
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
