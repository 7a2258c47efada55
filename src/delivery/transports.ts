import type { DeliveryConfig, DeliveryTransport } from '../scenario/schema.js';
import { runHttpTransport } from './http-transport.js';
import type { TransportReport, TransportRunOptions } from './transport-report.js';
import { runWebhookTransport } from './webhook-transport.js';
import { runWebsocketTransport } from './websocket-transport.js';

/** Runs one transport over the run's stream and reports its ledger and costs. */
export type TransportRunner = (delivery: DeliveryConfig, options: TransportRunOptions) => Promise<TransportReport>;

/** Every delivery transport, by the name a scenario lists it under. */
export const TRANSPORT_RUNNERS: Record<DeliveryTransport, TransportRunner> = {
  webhook: runWebhookTransport,
  websocket: (_delivery, options) => runWebsocketTransport(false, options),
  'websocket-ack': (_delivery, options) => runWebsocketTransport(true, options),
  sse: (delivery, options) => runHttpTransport('sse', delivery, options),
  polling: (delivery, options) => runHttpTransport('polling', delivery, options),
  'long-polling': (delivery, options) => runHttpTransport('long-polling', delivery, options),
};
