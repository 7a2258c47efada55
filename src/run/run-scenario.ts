import { readFileSync } from 'node:fs';
import { Recorder } from '../metrics/recorder.js';
import { startProcessMonitor } from '../metrics/process-monitor.js';
import { runWebhookLoad } from '../load/webhook/webhook-load.js';
import { parseDurationUs } from '../scenario/duration.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { collectEnv } from '../result/env-info.js';
import { redactSecrets } from '../result/redact.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/run-result.js';
import { startReceiverProcess, type ProcessStats, type ReceiverProcess } from '../targets/receiver-handle.js';
import type { ProgressSnapshot } from './progress.js';
import { judgeValidity } from './validity.js';
import { RunError } from '../errors.js';

export interface RunOptions {
  /** Abort to end the run early (Ctrl-C): in-flight work drains briefly and the result is still returned. */
  signal?: AbortSignal;
  /** Called once a second while load runs. */
  onProgress?: (progress: ProgressSnapshot) => void;
}

const PROGRESS_INTERVAL_MS = 1_000;

/** Runs a validated scenario: targets up -> load -> drain -> targets down -> RunResult. */
export async function runScenario(scenario: LoadedScenario, options: RunOptions = {}): Promise<RunResult> {
  const webhook = scenario.config.webhook;
  if (!webhook) throw new RunError(`${scenario.file}: nothing to run (no webhook section)`);
  const startedAt = new Date();
  const monitor = startProcessMonitor();
  let receiver: ReceiverProcess | undefined;
  try {
    if (webhook.target === 'builtin') {
      receiver = await startReceiverProcess({
        secret: webhook.secret,
        latencyUs: parseDurationUs(webhook.receiver?.latency ?? '0ms') ?? 0,
        errorRate: webhook.receiver?.errorRate ?? 0,
        errorStatus: webhook.receiver?.errorStatus ?? 500,
        seed: scenario.config.seed,
      });
    }
    const targetUrl = receiver?.url ?? webhook.target;
    const recorder = new Recorder();
    const totalUs = parseDurationUs(webhook.load.duration)!;
    const progressTimer = setInterval(() => {
      const second = recorder.lastSecond();
      options.onProgress?.({
        elapsedUs: recorder.elapsedUs(),
        totalUs,
        sentPerSec: second?.counts['webhook.sent'] ?? 0,
        p99Us: second?.p99Us['webhook.latency'],
        errors: recorder.counterPrefixSum('webhook.errors.'),
        inFlight: recorder.counter('webhook.sent') - recorder.counter('webhook.ok') - recorder.counterPrefixSum('webhook.errors.'),
        openConnections: second?.gauges['webhook.connections.open'] ?? 0,
      });
    }, PROGRESS_INTERVAL_MS);
    let outcome;
    try {
      outcome = await runWebhookLoad({
        config: webhook,
        targetUrl,
        seed: scenario.config.seed,
        recorder,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      clearInterval(progressTimer);
    }
    const processes: ProcessStats[] = [];
    if (receiver) {
      const stopped = await receiver.stop();
      receiver = undefined;
      recorder.addCounters(stopped.snapshot.counters);
      recorder.addEncodedHistogram('webhook.delivery', stopped.snapshot.deliveryHdr);
      processes.push(stopped.process);
    }
    const output = recorder.close();
    const health = monitor.stop();
    processes.unshift({ role: 'generator', pid: process.pid, cpuMs: health.cpuUserMs + health.cpuSystemMs, maxRssBytes: health.maxRssBytes });
    const interrupted = options.signal?.aborted ?? false;
    return {
      schemaVersion: RESULT_SCHEMA_VERSION,
      tool: { name: 'pushbench', version: toolVersion() },
      scenario: { name: scenario.config.name, file: scenario.file, config: redactSecrets(scenario.config) as Record<string, unknown> },
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      interrupted,
      env: collectEnv(),
      metrics: output.metrics,
      counters: output.counters,
      timeline: output.timeline,
      validity: judgeValidity(outcome, health, webhook.load.model, interrupted, processes),
    };
  } finally {
    receiver?.kill();
  }
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
