import { renderDeliveryTable } from '../delivery/summary-table.js';
import { webhookHeadline, webhookSummaryLines } from '../load/webhook/summary-lines.js';
import { websocketHeadline, websocketSummaryLines } from '../load/websocket/summary-lines.js';
import { sseHeadline, sseSummaryLines } from '../load/sse/summary-lines.js';
import { pipelineLines } from '../pipeline/summary-lines.js';
import type { RunResult } from '../result/run-result.js';
import type { ScenarioConfig } from '../scenario/schema.js';
import { runDeliveryPhase } from './delivery-phase.js';
import type { PhaseContext, PhaseOutcome } from './phase.js';
import { runWebhookPhase } from './webhook-phase.js';
import { runWebsocketPhase } from './websocket-phase.js';
import { runSsePhase } from './sse-phase.js';
import { runPipelinePhase } from './pipeline-phase.js';

/** The scenario sections that are phases. */
export type PhaseSection = 'webhook' | 'websocket' | 'sse' | 'delivery' | 'pipeline';

/**
 * One kind of phase, keyed by its scenario section (k6's executor registry): everything the run,
 * the shard plan and the text summary need to know about it. A new kind is one entry here and its
 * own room, plus its entry in the HTML report's REPORT_VIEWS (src/report/html/report-views.ts: the
 * report sits above run/, so the views are keyed there by the same sections); nothing else branches on the section.
 */
export interface PhaseKind<Section extends PhaseSection> {
  section: Section;
  /** Targets up -> load -> drain -> targets down, for this section of the scenario. */
  run(config: NonNullable<ScenarioConfig[Section]>, context: PhaseContext): Promise<PhaseOutcome>;
  /** The planned length of this phase's load (µs): the window its rates are per. */
  plannedWindowUs(config: NonNullable<ScenarioConfig[Section]>): number;
  /** Why this section cannot be split over `count` shards exactly, or undefined when it can. */
  unshardableReason(config: NonNullable<ScenarioConfig[Section]>, count: number): string | undefined;
  /** Why this section cannot wait for a common `--start-at`, or undefined when it can. */
  noCommonStartReason?: string;
  /** Text summary: this kind's part of the first line (error shares), from result.json alone. */
  headline?(counters: RunResult['counters']): string[];
  /** Text summary: this kind's block of lines, [] when the result holds none of its numbers. */
  summary(result: RunResult): string[];
}

/** A registry entry with its section's type closed over, so entries of every kind sit in one table. */
export interface Phase {
  section: PhaseSection;
  /** True when the scenario has this section. */
  present(config: ScenarioConfig): boolean;
  run(config: ScenarioConfig, context: PhaseContext): Promise<PhaseOutcome>;
  plannedWindowUs(config: ScenarioConfig): number;
  unshardableReason(config: ScenarioConfig, count: number): string | undefined;
  noCommonStartReason?: string;
  headline(counters: RunResult['counters']): string[];
  summary(result: RunResult): string[];
}

function definePhase<Section extends PhaseSection>(kind: PhaseKind<Section>): Phase {
  const sectionOf = (config: ScenarioConfig): NonNullable<ScenarioConfig[Section]> => {
    const section = config[kind.section];
    if (section === undefined || section === null) throw new Error(`the scenario has no ${kind.section} section`);
    return section;
  };
  return {
    section: kind.section,
    present: (config) => config[kind.section] !== undefined,
    run: (config, context) => kind.run(sectionOf(config), context),
    plannedWindowUs: (config) => kind.plannedWindowUs(sectionOf(config)),
    unshardableReason: (config, count) => kind.unshardableReason(sectionOf(config), count),
    ...(kind.noCommonStartReason ? { noCommonStartReason: kind.noCommonStartReason } : {}),
    headline: (counters) => kind.headline?.(counters) ?? [],
    summary: (result) => kind.summary(result),
  };
}

/** Every phase kind, in the order a scenario's phases run and the summary shows them. */
export const PHASES: readonly Phase[] = [
  definePhase({
    section: 'webhook',
    run: runWebhookPhase,
    plannedWindowUs: (webhook) => webhook.load.durationUs,
    unshardableReason: (webhook, count) =>
      webhook.load.model === 'closed' && webhook.load.connections < count
        ? `webhook.load.connections (${webhook.load.connections}) is fewer than the ${count} shards: every closed-model shard needs at least one connection`
        : undefined,
    headline: webhookHeadline,
    summary: webhookSummaryLines,
  }),
  definePhase({
    section: 'websocket',
    run: runWebsocketPhase,
    plannedWindowUs: (websocket) => Math.round((websocket.connections / websocket.connectRatePerSec) * 1e6) + websocket.holdUs,
    unshardableReason: (websocket, count) => {
      if (websocket.connections < count) {
        return `websocket.connections (${websocket.connections}) is fewer than the ${count} shards: every shard needs at least one connection`;
      }
      if (websocket.broadcast?.kind === 'triggered' && count > 1) {
        return 'a triggered broadcast cannot be split over shards yet: its latency counts from the trigger time, which only the process that calls the trigger knows';
      }
      return undefined;
    },
    headline: websocketHeadline,
    summary: websocketSummaryLines,
  }),
  definePhase({
    section: 'sse',
    run: runSsePhase,
    plannedWindowUs: (sse) => Math.round((sse.connections / sse.connectRatePerSec) * 1e6) + sse.holdUs,
    unshardableReason: (sse, count) =>
      sse.connections < count ? `sse.connections (${sse.connections}) is fewer than the ${count} shards: every shard needs at least one stream` : undefined,
    headline: sseHeadline,
    summary: sseSummaryLines,
  }),
  definePhase({
    section: 'delivery',
    run: runDeliveryPhase,
    plannedWindowUs: (delivery) => delivery.events.durationUs,
    unshardableReason: () =>
      'a delivery scenario cannot be split over shards: its ledger follows one event stream through every transport with one set of subscribers, so it runs on one machine',
    noCommonStartReason: 'a delivery scenario runs its transports one after another and has no common start to wait for',
    summary: renderDeliveryTable,
  }),
  definePhase({
    section: 'pipeline',
    run: runPipelinePhase,
    plannedWindowUs: (pipeline) => pipeline.ingest.load.durationUs,
    unshardableReason: pipelineUnshardableReason,
    summary: pipelineLines,
  }),
];

/** The phases a scenario has, in run order. */
export function phasesOf(config: ScenarioConfig): Phase[] {
  return PHASES.filter((phase) => phase.present(config));
}

/**
 * The planned length of the load that rates are measured over (see RunResult.plannedWindowUs):
 * the phases run one after another, so a scenario's window is the sum of its phases' windows.
 */
export function plannedWindowUs(config: ScenarioConfig): number {
  return phasesOf(config).reduce((total, phase) => total + phase.plannedWindowUs(config), 0);
}

/** A pipeline splits over shards when every shard can derive every event's send time and reach one shared backend. */
function pipelineUnshardableReason(pipeline: NonNullable<ScenarioConfig['pipeline']>, count: number): string | undefined {
  if (count === 1) return undefined;
  if (pipeline.ingest.target === 'builtin') {
    return 'pipeline target: builtin cannot be shared by shard processes (each would start its own backend): give your backend\'s URLs in ingest.target and subscribers.*.target';
  }
  if (pipeline.ingest.load.model !== 'open') {
    return "a closed-model pipeline cannot be split over shards: its events' send times follow the responses, which only the sending shard sees (use load.model: open)";
  }
  const connections = (pipeline.subscribers.websocket ?? pipeline.subscribers.sse)!.connections;
  if (connections < count) return `the pipeline's ${connections} subscribers are fewer than the ${count} shards: every shard needs at least one`;
  return undefined;
}
