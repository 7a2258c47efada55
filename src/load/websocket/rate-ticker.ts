import { WebSocket } from 'ws';
import { nowUs } from '../../metrics/clock.js';

/** Sends are spread over ticks of this length; a send's intended time is its tick's. */
export const RATE_TICK_US = 10_000;
/**
 * A connection holding this much unsent data (a server that stopped reading) gets no more sends
 * until it drains: its buffer stays bounded, and the skipped sends are counted, not queued.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

export interface RateTicker {
  stop(): void;
  sent(): number;
}

/**
 * Open-model per-connection load: every tick, `open connections x rate x tick` sends are due
 * (fractions carry over), handed to the open connections round robin with the tick's intended
 * time, whatever the replies do. A late tick is caught up with its own intended time, so a slow
 * generator shows in the round trip instead of hiding (coordinated omission). `sendOne` returns
 * whether it sent; `onTick(sent, lateUs, backpressured)` is told each tick's count, how late it ran
 * and how many sends were skipped because their connection held MAX_BUFFERED_BYTES unsent.
 */
export function startRateTicker(
  open: ReadonlySet<WebSocket>,
  ratePerConnection: number,
  sendOne: (socket: WebSocket, intendedUs: number) => boolean,
  onTick: (sent: number, lateUs: number, backpressured: number) => void,
): RateTicker {
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
    carry += (open.size * ratePerConnection * RATE_TICK_US) / 1e6;
    const due = Math.floor(carry);
    carry -= due;
    let sentThisTick = 0;
    let backpressured = 0;
    for (let i = 0; i < due; i++) {
      const socket = nextSocket();
      if (!socket) break;
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (socket.bufferedAmount >= MAX_BUFFERED_BYTES) backpressured++;
      else if (sendOne(socket, intendedUs)) sentThisTick++;
    }
    sent += sentThisTick;
    onTick(sentThisTick, now - intendedUs, backpressured);
  };

  const tick = (): void => {
    const now = nowUs();
    while (startUs + tickIndex * RATE_TICK_US <= now) {
      sendTick(startUs + tickIndex * RATE_TICK_US, now);
      tickIndex++;
    }
    timer = setTimeout(tick, Math.max(0, (startUs + tickIndex * RATE_TICK_US - nowUs()) / 1000));
  };
  timer = setTimeout(tick, RATE_TICK_US / 1000);

  return {
    stop: () => clearTimeout(timer),
    sent: () => sent,
  };
}
