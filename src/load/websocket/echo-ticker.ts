import type { WebSocket } from 'ws';
import type { DeltaCounters } from './delta-counters.js';
import { echoPayload, stampEcho } from './frames.js';
import { RATE_TICK_US, startRateTicker, type RateTicker } from './rate-ticker.js';

export interface EchoOptions {
  ratePerConnection: number;
  sizeBytes: number;
}

export type EchoTicker = RateTicker;

/** A send that leaves more than one tick after its intended time is late (`ws.echo.late`): the shard fell behind. */
export const ECHO_LATE_US = RATE_TICK_US;

/** Open-model echo load on the built-in server: binary frames stamped with their intended send time. */
export function startEchoTicker(open: ReadonlySet<WebSocket>, options: EchoOptions, counters: DeltaCounters): EchoTicker {
  const payload = echoPayload(options.sizeBytes);
  let stampedUs = -1;
  return startRateTicker(
    open,
    options.ratePerConnection,
    (socket, intendedUs) => {
      if (intendedUs !== stampedUs) {
        stampEcho(payload, intendedUs);
        stampedUs = intendedUs;
      }
      socket.send(payload);
      return true;
    },
    (sent, lateUs, backpressured) => {
      counters.add('ws.messages.sent', sent);
      if (lateUs > ECHO_LATE_US) counters.add('ws.echo.late', sent);
      if (backpressured > 0) counters.add('ws.echo.backpressured', backpressured);
    },
  );
}
