import { mulberry32 } from '../../template/render.js';
/** One webhook event as it goes on the wire. */
export interface WebhookEvent {
  id: string;
  body: string;
}

const PAD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';


/**
 * Builds the events of a run: ids `evt_<seed hex>_<seq>`, a JSON body of exactly `sizeBytes` bytes
 * that carries the event's scheduled time (monotonic µs, shared by every process on the host), padded
 * with seeded characters. The same seed gives the same ids and contents, times aside.
 */
export class EventFactory {
  private readonly idPrefix: string;
  private readonly padding: string;

  constructor(
    readonly seed: number,
    readonly sizeBytes: number,
  ) {
    this.idPrefix = `evt_${(seed >>> 0).toString(16).padStart(8, '0')}_`;
    const random = mulberry32(seed);
    let padding = '';
    for (let i = 0; i < sizeBytes; i++) padding += PAD_ALPHABET[Math.floor(random() * PAD_ALPHABET.length)];
    this.padding = padding;
  }

  idOf(seq: number): string {
    return this.idPrefix + seq;
  }

  build(seq: number, scheduledAtUs: number): WebhookEvent {
    const id = this.idPrefix + seq;
    const head = `{"id":"${id}","type":"pushbench.event","seq":${seq},"scheduledAtUs":${scheduledAtUs},"data":"`;
    const padLength = this.sizeBytes - head.length - 2;
    if (padLength < 0) throw new RangeError(`payload.sizeBytes ${this.sizeBytes} is too small for event ${id}`);
    return { id, body: head + this.padding.slice(0, padLength) + '"}' };
  }
}

/** Reads the fields the receiver needs without a full JSON.parse of the body. */
export function readEventStamp(body: string): { id: string; seq: number; scheduledAtUs: number } | undefined {
  const match = /^\{"id":"([^"]{1,200})","type":"[^"]*","seq":(\d+),"scheduledAtUs":(\d+),/.exec(body);
  if (!match) return undefined;
  return { id: match[1]!, seq: Number(match[2]), scheduledAtUs: Number(match[3]) };
}
