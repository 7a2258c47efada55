import { readFileSync } from 'node:fs';
import { RunError } from '../errors.js';
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
import { runWebhookPhase } from './webhook-phase.js';
import { runWebsocketPhase } from './websocket-phase.js';
import { runDeliveryPhase } from './delivery-phase.js';

export interface RunOptions {
  /** Abort to end the run early (Ctrl-C): in-flight work drains briefly and the result is still returned. */
  signal?: AbortSignal;
  /** Called once a second while load runs. */
  onProgress?: (progress: ProgressSnapshot) => void;
}

/** Runs a validated scenario: each section's phase (targets up -> load -> drain -> targets down) -> RunResult. */
export async function runScenario(scenario: LoadedScenario, options: RunOptions = {}): Promise<RunResult> {
  const { config } = scenario;
  const startedAt = new Date();
  const monitor = startProcessMonitor();
  const recorder = new Recorder();
  const context: PhaseContext = {
    recorder,
    seed: config.seed,
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
    validity: judgeValidity(outcomes, health, interrupted),
    ...(delivery ? { delivery } : {}),
  };
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
