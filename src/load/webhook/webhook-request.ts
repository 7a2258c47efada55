import type { WebhookEvent } from './event-factory.js';
import { signWebhook } from './signing/standard-webhooks.js';

/** The fixed part of every request to one path: request line, host, content type and length. */
export function requestHead(path: string, hostHeader: string, sizeBytes: number): string {
  return `POST ${path} HTTP/1.1\r\nhost: ${hostHeader}\r\ncontent-type: application/json\r\ncontent-length: ${sizeBytes}\r\n`;
}

/**
 * One complete HTTP/1.1 request for `event`: `head`, the Standard Webhooks id and timestamp headers,
 * the signature when there is a key, and the body.
 */
export function webhookRequest(head: string, event: WebhookEvent, signingKey: Buffer | undefined): string {
  const timestampSec = Math.floor(Date.now() / 1000);
  let request = head + `webhook-id: ${event.id}\r\nwebhook-timestamp: ${timestampSec}\r\n`;
  if (signingKey) request += `webhook-signature: ${signWebhook(signingKey, event.id, timestampSec, event.body)}\r\n`;
  return request + '\r\n' + event.body;
}
