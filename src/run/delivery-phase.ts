import type { Recorder } from '../metrics/recorder.js';
import type { DeliveryResult, DeliveryTransportResult } from '../result/run-result.js';
import type { DeliveryConfig } from '../scenario/schema.js';
import { EventStream, streamSpecOf } from '../delivery/stream.js';
import type { TransportReport, TransportRunOptions } from '../delivery/transport-report.js';
import { TRANSPORT_RUNNERS } from '../delivery/transports.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';

/**
 * The delivery phase: one seeded stream through each transport in turn (same ids, sizes and
 * schedule), each with its own targets up and down. Records per transport the latency histogram
 * `delivery.<transport>.latency`, the ledger counters `ledger.<transport>.<kind>`, and the costs;
 * an unbalanced ledger voids the run.
 */
export async function runDeliveryPhase(delivery: DeliveryConfig, context: PhaseContext): Promise<PhaseOutcome> {
  const stream = new EventStream(streamSpecOf(delivery, context.seed));
  const options: TransportRunOptions = {
    stream,
    seed: context.seed,
    outage: delivery.faults?.outage,
    drainUs: delivery.drainUs,
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
  };
  const outcome: PhaseOutcome = { model: 'open', dispatched: 0, generators: [], processes: [], warnings: [], reasons: [] };
  const outage = delivery.faults?.outage;
  const result: DeliveryResult = {
    transports: {},
    ledgerBalanced: true,
    streamDurationUs: delivery.events.durationUs,
    ...(outage ? { outage: { atUs: outage.atUs, forUs: outage.forUs } } : {}),
  };
  for (const transport of delivery.transports) {
    if (context.signal?.aborted) break;
    const report = await TRANSPORT_RUNNERS[transport](delivery, options);
    record(context.recorder, report);
    result.transports[transport] = summarize(report);
    outcome.dispatched += report.dispatched;
    outcome.generators.push(report.generator);
    outcome.processes.push(...report.processes);
    outcome.reasons!.push(...report.invalidReasons);
    const { ledger } = report;
    if (!ledger.balanced) {
      result.ledgerBalanced = false;
      outcome.reasons!.push(
        `ledger of ${transport} unbalanced: published ${ledger.published}, delivered ${ledger.delivered} + lost ${ledger.lost} + in flight ${ledger.inflight}; ` +
          `${ledger.ackedNotReceived} acknowledged but never received, ${ledger.receivedNotSent} received but never sent`,
      );
    }
  }
  return { ...outcome, delivery: result };
}

function record(recorder: Recorder, report: TransportReport): void {
  const { transport, ledger } = report;
  recorder.addEncodedHistogram(`delivery.${transport}.latency`, report.latencyHdr);
  recorder.addEncodedHistogram(`delivery.${transport}.sendDelay`, report.sendDelayHdr);
  recorder.addCounters({
    [`ledger.${transport}.published`]: ledger.published,
    [`ledger.${transport}.delivered`]: ledger.delivered,
    [`ledger.${transport}.lost`]: ledger.lost,
    [`ledger.${transport}.inflight`]: ledger.inflight,
    [`ledger.${transport}.duplicates`]: ledger.duplicates,
    [`ledger.${transport}.reordered`]: ledger.reordered,
    [`ledger.${transport}.ackedNotReceived`]: ledger.ackedNotReceived,
    [`ledger.${transport}.receivedNotSent`]: ledger.receivedNotSent,
    [`delivery.${transport}.requests`]: report.requests,
    ...(report.attempts !== undefined ? { [`delivery.${transport}.attempts`]: report.attempts } : {}),
    ...report.counters,
  });
  if (report.causes) recorder.addCauses(report.causes);
}

function summarize(report: TransportReport): DeliveryTransportResult {
  const { ledger } = report;
  const perThousand = (cpuMs: number): number => (ledger.published === 0 ? 0 : round((cpuMs / ledger.published) * 1000, 3));
  return {
    published: ledger.published,
    delivered: ledger.delivered,
    lost: ledger.lost,
    inflight: ledger.inflight,
    duplicates: ledger.duplicates,
    reordered: ledger.reordered,
    ackedNotReceived: ledger.ackedNotReceived,
    receivedNotSent: ledger.receivedNotSent,
    balanced: ledger.balanced,
    sendCpuMs: round(report.sendCpuMs, 1),
    receiveCpuMs: round(report.receiveCpuMs, 1),
    sendCpuMsPer1kEvents: perThousand(report.sendCpuMs),
    receiveCpuMsPer1kEvents: perThousand(report.receiveCpuMs),
    bytesOnWire: report.bytesOnWire,
    bytesPerDelivered: ledger.delivered === 0 ? 0 : round(report.bytesOnWire / ledger.delivered, 1),
    peakSockets: report.peakSockets,
    requests: report.requests,
    requestsPerDelivered: ledger.delivered === 0 ? 0 : round(report.requests / ledger.delivered, 4),
    deliveredPerSecond: report.deliveredPerSecond,
    ...(report.attempts !== undefined
      ? { attempts: report.attempts, retryAmplification: ledger.published === 0 ? 0 : round(report.attempts / ledger.published, 4) }
      : {}),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
