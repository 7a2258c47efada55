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
const TRIGGER_FAILED = 'ws.broadcast.triggers.failed';
const BODY_HEAD_BYTES = 200;

/** fetch's errors hide the reason in `cause` (`fetch failed` <- `connect ECONNREFUSED ...`). */
function triggerErrorCause(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${TRIGGER_TIMEOUT_MS / 1000}s`;
  const inner = (error as { cause?: { message?: string } }).cause?.message;
  const message = (error as Error).message || String(error);
  return inner ? `${message}: ${inner}` : message;
}

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
      const bodyBytes = Buffer.from(await response.arrayBuffer());
      trigger.record(nowUs() - intendedUs);
      if (!response.ok) {
        recorder.count(TRIGGER_FAILED);
        recorder.cause(TRIGGER_FAILED, `HTTP ${response.status}${bodyBytes.length > 0 ? `: ${bodyBytes.subarray(0, BODY_HEAD_BYTES).toString('utf8')}` : ''}`);
      }
    } catch (error) {
      recorder.count(TRIGGER_FAILED);
      recorder.cause(TRIGGER_FAILED, triggerErrorCause(error));
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
