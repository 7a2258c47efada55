import { nowUs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import type { WsTriggeredBroadcast } from '../scenario/websocket-schema.js';
import { bindTemplate, seededRandom } from '../template/render.js';

export interface TriggerLoop {
  /** Resolves when every trigger has been called and answered (or failed); then stops. */
  done: Promise<void>;
  stop(): void;
}

const TRIGGER_TIMEOUT_MS = 5_000;

/**
 * Calls the scenario's trigger (an HTTP endpoint of the server under test that makes it broadcast)
 * for broadcast k = 0 .. count-1 at firstAtUs + k x everyUs, with {{broadcastId}} = k. Records each
 * call's round trip from its intended time (`ws.broadcast.trigger`) and counts
 * `ws.broadcast.triggers.sent` / `.failed` (no answer, or not 2xx).
 */
export function startTriggerLoop(broadcast: WsTriggeredBroadcast, firstAtUs: number, count: number, recorder: Recorder, seed: number): TriggerLoop {
  const url = bindTemplate(broadcast.trigger.url);
  const body = broadcast.trigger.body ? bindTemplate(broadcast.trigger.body) : undefined;
  const headers = Object.entries(broadcast.trigger.headers).map(([name, template]) => [name, bindTemplate(template)] as const);
  const trigger = recorder.metric('ws.broadcast.trigger');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const calls: Promise<void>[] = [];

  const call = async (k: number, intendedUs: number): Promise<void> => {
    const input = { values: { broadcastId: k }, random: seededRandom(seed, 4, k) };
    recorder.count('ws.broadcast.triggers.sent');
    try {
      const response = await fetch(url(input), {
        method: broadcast.trigger.method,
        headers: Object.fromEntries(headers.map(([name, render]) => [name, render(input)])),
        ...(body && broadcast.trigger.method !== 'GET' ? { body: body(input) } : {}),
        signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      trigger.record(nowUs() - intendedUs);
      if (!response.ok) recorder.count('ws.broadcast.triggers.failed');
    } catch {
      recorder.count('ws.broadcast.triggers.failed');
    }
  };

  const done = new Promise<void>((resolve) => {
    let k = 0;
    const next = (): void => {
      if (stopped || k >= count) {
        void Promise.all(calls).then(() => resolve());
        return;
      }
      const intendedUs = firstAtUs + k * broadcast.everyUs;
      const waitUs = intendedUs - nowUs();
      if (waitUs > 0) {
        timer = setTimeout(next, Math.ceil(waitUs / 1000));
        return;
      }
      calls.push(call(k, intendedUs));
      k++;
      next();
    };
    next();
  });
  return {
    done,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
