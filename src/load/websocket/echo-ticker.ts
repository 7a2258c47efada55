import { WebSocket } from 'ws';
import { nowUs } from '../../metrics/clock.js';
import type { DeltaCounters } from './delta-counters.js';
import { echoPayload, stampEcho } from './frames.js';

export interface EchoOptions {
  ratePerConnection: number;
  sizeBytes: number;
}

export interface EchoTicker {
  stop(): void;
  sent(): number;
}

/** Sends are spread over ticks of this length; a send's intended time is its tick's. */
export const ECHO_TICK_US = 10_000;
/** A send that leaves more than one tick after its intended time is late (`ws.echo.late`): the shard fell behind. */
export const ECHO_LATE_US = ECHO_TICK_US;

/**
 * Open-model echo load: every tick, `open connections x rate x tick` messages are due (fractions
 * carry over), sent to the open connections round robin, each stamped with the tick's intended
 * time, whatever the replies do. A late tick is caught up with its own intended time, so a slow
 * generator shows in the round trip instead of hiding (coordinated omission).
 */
export function startEchoTicker(open: ReadonlySet<WebSocket>, options: EchoOptions, counters: DeltaCounters): EchoTicker {
  const payload = echoPayload(options.sizeBytes);
  const startUs = nowUs();
  let tickIndex = 1;
  let carry = 0;
  let sent = 0;
  let cursor = open.values();
  let timer: NodeJS.Timeout | undefined;

  const nextSocket = (): WebSocket | undefined => {
    let step = cursor.next();
    if (step.done) {
      cursor = open.values();
      step = cursor.next();
    }
    return step.done ? undefined : step.value;
  };

  const sendTick = (intendedUs: number, now: number): void => {
    carry += (open.size * options.ratePerConnection * ECHO_TICK_US) / 1e6;
    const due = Math.floor(carry);
    carry -= due;
    stampEcho(payload, intendedUs);
    let sentThisTick = 0;
    for (let i = 0; i < due; i++) {
      const socket = nextSocket();
      if (!socket) break;
      if (socket.readyState !== WebSocket.OPEN) continue;
      socket.send(payload);
      sentThisTick++;
    }
    sent += sentThisTick;
    counters.add('ws.messages.sent', sentThisTick);
    if (now - intendedUs > ECHO_LATE_US) counters.add('ws.echo.late', sentThisTick);
  };

  const tick = (): void => {
    const now = nowUs();
    while (startUs + tickIndex * ECHO_TICK_US <= now) {
      sendTick(startUs + tickIndex * ECHO_TICK_US, now);
      tickIndex++;
    }
    timer = setTimeout(tick, Math.max(0, (startUs + tickIndex * ECHO_TICK_US - nowUs()) / 1000));
  };
  timer = setTimeout(tick, ECHO_TICK_US / 1000);

  return {
    stop: () => clearTimeout(timer),
    sent: () => sent,
  };
}
