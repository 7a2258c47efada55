import type { ScenarioConfig } from './schema.js';
import type { TlsConfig } from './tls-schema.js';

/** Every section with a `tls` block (see tls-schema.ts) and where it sits; a new section that connects over TLS adds itself here. */
export function tlsSections(config: ScenarioConfig): Array<[TlsConfig | undefined, string[]]> {
  return [
    [config.webhook?.tls, ['webhook']],
    [config.websocket?.tls, ['websocket']],
    [config.sse?.tls, ['sse']],
    [config.pipeline?.ingest.tls, ['pipeline', 'ingest']],
    [config.pipeline?.subscribers.websocket?.tls, ['pipeline', 'subscribers', 'websocket']],
    [config.pipeline?.subscribers.sse?.tls, ['pipeline', 'subscribers', 'sse']],
  ];
}
