import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { warmUpBuckets } from './buckets.js';
import { RemoteWriteClient } from './remote-write-client.js';
import { buildSeries } from './series.js';
import type { OutcomeMessage, ReadyMessage, WriteMessage, WriteWorkerSettings } from './write-messages.js';
import { encodeWriteRequest } from './write-request.js';

/**
 * The remote-write worker thread's entry: for each snapshot the generator's thread posts, it
 * builds every series (the `le` bucket walk over the HDR slots), encodes them (protobuf + snappy),
 * POSTs them with their retries, backoff and timeouts, and posts back how the write ended.
 * None of this runs on the generator's event loop.
 */
function serveWrites(port: MessagePort, settings: WriteWorkerSettings): void {
  const client = new RemoteWriteClient(new URL(settings.url));
  warmUpBuckets(); // encodeWriteRequest's encoder is generated when write-request.ts loads
  let underWay: AbortController | undefined;
  port.postMessage({ type: 'ready' } satisfies ReadyMessage);
  port.on('message', (message: WriteMessage) => {
    // The final write carries everything an earlier one had, and one landing after it would be refused
    // as out of order: a write still under way (e.g. queued while this worker loaded) is abandoned.
    if (message.final) underWay?.abort(new Error('abandoned for the final write'));
    const controller = new AbortController();
    underWay = controller;
    void write(client, message, settings.labels, controller.signal).then((outcome) => {
      if (underWay === controller) underWay = undefined;
      port.postMessage(outcome);
    });
  });
}

async function write(client: RemoteWriteClient, message: WriteMessage, labels: Record<string, string>, signal: AbortSignal): Promise<OutcomeMessage> {
  try {
    const body = encodeWriteRequest(buildSeries(message.snapshot, labels, message.timestampMs));
    const outcome = await client.write(body, message.options, signal);
    if (outcome.ok) return { type: 'outcome', id: message.id, ok: true };
    return { type: 'outcome', id: message.id, ok: false, problem: outcome.problem ?? 'unknown', ...(signal.aborted ? { superseded: true as const } : {}) };
  } catch (error) {
    // A write that cannot be built is a failed write, never the worker's end.
    return { type: 'outcome', id: message.id, ok: false, problem: (error as Error).message };
  }
}

if (parentPort) serveWrites(parentPort, workerData as WriteWorkerSettings);
