import { runPipeline } from '../pipeline/run-pipeline.js';
import type { PipelineConfig } from '../scenario/pipeline-schema.js';
import { nothingSucceededReason } from './nothing-succeeded.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';

const PROGRESS_INTERVAL_MS = 1_000;

/**
 * The pipeline phase: webhooks into a backend, its pushes to subscribers, matched per event. The
 * nothing-measured rule: no webhook accepted, or no push matched, voids the run with its cause.
 */
export async function runPipelinePhase(config: PipelineConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const { recorder } = context;
  let loadStartUs: number | undefined;
  const progressTimer = setInterval(() => {
    if (loadStartUs === undefined) return;
    const second = recorder.lastSecond();
    const errors = recorder.counterPrefixSum('pipeline.ingest.errors.');
    context.onProgress?.({
      elapsedUs: Math.max(0, recorder.elapsedUs()),
      totalUs: config.ingest.load.durationUs,
      sentPerSec: second?.counts['webhook.sent'] ?? 0,
      p99Us: second?.p99Us['pipeline.ingest'],
      deliveredPerSec: second?.counts['pipeline.received'] ?? 0,
      errors,
      inFlight: recorder.counter('webhook.sent') - recorder.counter('pipeline.ingest.ok') - errors,
      openConnections: second?.gauges['webhook.connections.open'] ?? 0,
    });
  }, PROGRESS_INTERVAL_MS);
  let run;
  try {
    run = await runPipeline({
      config,
      seed: context.seed,
      recorder,
      stripe: context.stripe,
      waitForStart: async (signal) => (loadStartUs = await context.waitForStart(signal)),
      ...(context.signal ? { signal: context.signal } : {}),
    });
  } finally {
    clearInterval(progressTimer);
  }
  const reasons = [...run.reasons];
  if (!context.signal?.aborted) {
    const noneAccepted = nothingSucceededReason(recorder, {
      what: 'request',
      attempted: recorder.counter('webhook.sent'),
      succeeded: recorder.counter('pipeline.ingest.ok'),
      failurePrefix: 'pipeline.ingest.errors.',
      where: run.ingestUrl,
    });
    if (noneAccepted) reasons.push(`pipeline: ${noneAccepted}`);
    else if (recorder.counter('pipeline.delivered') === 0) {
      reasons.push(
        `pipeline: no push matched: ${recorder.counter('pipeline.ingest.ok')} webhooks accepted, ${recorder.counter('pipeline.expected')} deliveries expected at ${run.pushUrl}, ${recorder.counter('pipeline.unmatched')} pushes matched no event (check correlate.push and the subscribers' event/match)`,
      );
    }
  }
  return {
    model: config.ingest.load.model,
    dispatched: run.load.dispatched,
    generators: [{ role: 'generator', pid: process.pid, ...(run.load.pace ? { pace: run.load.pace } : {}) }],
    processes: [],
    warnings: [],
    reasons,
    ...(run.pipeline ? { pipeline: run.pipeline } : {}),
    ...(run.load.askedRatePerSec !== undefined ? { askedRatePerSec: run.load.askedRatePerSec } : {}),
    ...(run.load.achievedRatePerSec !== undefined ? { achievedRatePerSec: run.load.achievedRatePerSec } : {}),
  };
}
