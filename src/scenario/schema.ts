import { z } from 'zod';
import { deliverySchema } from './delivery-schema.js';
import { outputsSchema } from './outputs-schema.js';
import { thresholdsSchema } from './thresholds-schema.js';
import { webhookSchema } from './webhook-schema.js';
import { websocketSchema } from './websocket-schema.js';
import { sseSchema } from './sse-schema.js';
import { pipelineSchema } from './pipeline-schema.js';

/**
 * The one definition of a scenario file. scenarios/schema.json is generated from it
 * (`npm run schema`), and the loader validates against it, so the two cannot drift. Parsing
 * resolves it once: durations become integer microseconds (fields named ...Us), URLs URL objects,
 * templates parsed templates, thresholds parsed thresholds. Nothing downstream parses text again.
 */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to scenarios/schema.json, for editors.'),
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names the run folder)'),
    description: z.string().max(2_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('Seeds event ids and payloads, so runs are reproducible.'),
    webhook: webhookSchema.optional(),
    websocket: websocketSchema.optional(),
    sse: sseSchema.optional(),
    delivery: deliverySchema.optional(),
    pipeline: pipelineSchema.optional(),
    thresholds: thresholdsSchema.optional(),
    outputs: outputsSchema.optional(),
  })
  .superRefine((scenario, ctx) => {
    if (!scenario.webhook && !scenario.websocket && !scenario.sse && !scenario.delivery && !scenario.pipeline) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a scenario needs a `webhook`, a `websocket`, an `sse`, a `delivery` or a `pipeline` section' });
    }
    if (scenario.pipeline && (scenario.webhook || scenario.websocket || scenario.sse || scenario.delivery)) {
      ctx.addIssue({ code: 'custom', path: ['pipeline'], message: 'a `pipeline` runs alone (its ingest counts in webhook.* too): move the other sections to a scenario of their own' });
    }
  });

/** A scenario parsed and resolved: what every run function takes. */
export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type { WebhookConfig } from './webhook-schema.js';
export type { WebsocketConfig } from './websocket-schema.js';
export type { SseConfig } from './sse-schema.js';
export type { PipelineConfig } from './pipeline-schema.js';
export type { DeliveryConfig, DeliveryTransport } from './delivery-schema.js';
export { DELIVERY_TRANSPORTS } from './delivery-schema.js';
export type { LoadConfig, OpenLoadConfig, ClosedLoadConfig } from './load-schema.js';
export type { ThresholdSet } from './thresholds-schema.js';
export type { OutputsConfig, PrometheusConfig } from './outputs-schema.js';
