import { runWebhookLoad } from '../load/webhook/webhook-load.js';
import type { WebhookConfig } from '../scenario/schema.js';
import { startReceiverProcess, type ReceiverProcess } from '../targets/receiver-handle.js';
import { nothingSucceededReason } from './nothing-succeeded.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';

const PROGRESS_INTERVAL_MS = 1_000;
/** More than this share of requests waiting for a free connection is worth a warning. */
const QUEUED_WARNING_SHARE = 0.01;

/** The webhook phase: built-in receiver up (when asked) -> load -> drain -> receiver down, its numbers merged. */
export async function runWebhookPhase(webhook: WebhookConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const { recorder } = context;
  let receiver: ReceiverProcess | undefined;
  try {
    if (webhook.target === 'builtin') {
      receiver = await startReceiverProcess({
        signing: webhook.signing,
        latencyUs: webhook.receiver?.latencyUs ?? 0,
        errorRate: webhook.receiver?.errorRate ?? 0,
        errorStatus: webhook.receiver?.errorStatus ?? 500,
        seed: context.seed,
      });
    }
    const totalUs = webhook.load.durationUs;
    const phaseStartUs = recorder.elapsedUs();
    const progressTimer = setInterval(() => {
      const second = recorder.lastSecond();
      const errors = recorder.counterPrefixSum('webhook.errors.');
      context.onProgress?.({
        elapsedUs: Math.max(0, recorder.elapsedUs() - phaseStartUs),
        totalUs,
        sentPerSec: second?.counts['webhook.sent'] ?? 0,
        p99Us: second?.p99Us['webhook.latency'],
        errors,
        inFlight: recorder.counter('webhook.sent') - recorder.counter('webhook.ok') - errors - recorder.counter('webhook.unfinished'),
        openConnections: second?.gauges['webhook.connections.open'] ?? 0,
      });
    }, PROGRESS_INTERVAL_MS);
    let load;
    try {
      load = await runWebhookLoad({
        config: webhook,
        targetUrl: receiver?.url ?? targetsText(webhook),
        seed: context.seed,
        recorder,
        stripe: context.stripe,
        waitForStart: (signal) => context.waitForStart(signal),
        ...(context.signal ? { signal: context.signal } : {}),
        ...(receiver ? { onWarmedUp: () => receiver!.reset() } : {}),
      });
    } finally {
      clearInterval(progressTimer);
    }
    const outcome: PhaseOutcome = {
      model: webhook.load.model,
      dispatched: load.dispatched,
      generators: [{ role: 'generator', pid: process.pid, ...(load.pace ? { pace: load.pace } : {}) }],
      processes: [],
      warnings: [],
      reasons: [],
      ...(load.askedRatePerSec !== undefined ? { askedRatePerSec: load.askedRatePerSec } : {}),
      ...(load.achievedRatePerSec !== undefined ? { achievedRatePerSec: load.achievedRatePerSec } : {}),
    };
    const failed = context.signal?.aborted
      ? undefined
      : nothingSucceededReason(recorder, {
          what: 'request',
          attempted: recorder.counter('webhook.sent'),
          succeeded: recorder.counter('webhook.ok'),
          failurePrefix: 'webhook.errors.',
          where: receiver?.url ?? targetsText(webhook),
        });
    if (failed) outcome.reasons!.push(failed);
    const exhausted = recorder.counter('webhook.payload.exhausted');
    if (exhausted > 0) {
      outcome.warnings.push(
        `${exhausted} events were not sent: payload.file has ${webhook.payload.rows?.length ?? 0} rows and order "sequential" uses each once (use "circular" or "random" to reuse them)`,
      );
    }
    const queued = recorder.counter('webhook.queued');
    if (load.dispatched > 0 && queued / load.dispatched > QUEUED_WARNING_SHARE) {
      outcome.warnings.push(
        `${queued} requests (${((queued / load.dispatched) * 100).toFixed(1)}%) waited for a free connection (load.connections: ${webhook.load.connections}); their wait is in webhook.latency`,
      );
    }
    if (receiver) {
      const stopped = await receiver.stop();
      receiver = undefined;
      recorder.addCounters(stopped.snapshot.counters);
      recorder.addEncodedHistogram('webhook.delivery', stopped.snapshot.deliveryHdr);
      outcome.processes.push(stopped.process);
    }
    return outcome;
  } finally {
    receiver?.kill();
  }
}

/** The URL requests went to, or every target's (`webhook.targets`), for messages. */
function targetsText(webhook: WebhookConfig): string {
  if (webhook.targets) return webhook.targets.map((target) => target.url.href).join(', ');
  return webhook.target instanceof URL ? webhook.target.href : String(webhook.target);
}
