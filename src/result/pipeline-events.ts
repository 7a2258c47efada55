import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InputError } from '../errors.js';
import type { PipelineShardEvents } from './run-result.js';

/** Event status codes of a shard's `status` column. */
export const EVENT_NOT_SENT_HERE = 0;
export const EVENT_ACCEPTED = 1;
export const EVENT_FAILED = 2;
export const EVENT_UNFINISHED = 3;

/** One shard's per-event ledger, column i for event i of the global schedule. */
export interface PipelineEventColumns {
  /** Subscribers this shard held. */
  subscribers: number;
  status: Uint8Array;
  held: Uint16Array;
  delivered: Uint16Array;
  received: Uint16Array;
  lastUs: Uint32Array;
}

/** The columns as result.json holds them: little-endian, deflated, base64 (bounded: a few bytes per event). */
export function encodePipelineEvents(columns: PipelineEventColumns): PipelineShardEvents {
  return {
    events: columns.status.length,
    subscribers: columns.subscribers,
    encoding: 'deflate-raw-base64',
    status: pack(columns.status, 1),
    held: pack(columns.held, 2),
    delivered: pack(columns.delivered, 2),
    received: pack(columns.received, 2),
    lastUs: pack(columns.lastUs, 4),
  };
}

/** Reads a shard's columns back; a column that does not decode to `events` values is bad input naming `file` and the column. */
export function decodePipelineEvents(events: PipelineShardEvents, file: string): PipelineEventColumns {
  const column = (name: 'status' | 'held' | 'delivered' | 'received' | 'lastUs', bytesPerValue: number): Buffer => {
    let bytes: Buffer;
    try {
      bytes = inflateRawSync(Buffer.from(events[name], 'base64'));
    } catch {
      throw new InputError(`${file}: pipeline.shardEvents.${name} does not decode (expected deflate-raw-base64)`);
    }
    if (bytes.length !== events.events * bytesPerValue) {
      throw new InputError(`${file}: pipeline.shardEvents.${name} holds ${bytes.length / bytesPerValue} values, not the ${events.events} events it claims`);
    }
    return bytes;
  };
  const status = column('status', 1);
  const held = column('held', 2);
  const delivered = column('delivered', 2);
  const received = column('received', 2);
  const lastUs = column('lastUs', 4);
  const out: PipelineEventColumns = {
    subscribers: events.subscribers,
    status: new Uint8Array(status),
    held: new Uint16Array(events.events),
    delivered: new Uint16Array(events.events),
    received: new Uint16Array(events.events),
    lastUs: new Uint32Array(events.events),
  };
  for (let i = 0; i < events.events; i++) {
    out.held[i] = held.readUInt16LE(i * 2);
    out.delivered[i] = delivered.readUInt16LE(i * 2);
    out.received[i] = received.readUInt16LE(i * 2);
    out.lastUs[i] = lastUs.readUInt32LE(i * 4);
  }
  return out;
}

function pack(values: Uint8Array | Uint16Array | Uint32Array, bytesPerValue: 1 | 2 | 4): string {
  const bytes = Buffer.alloc(values.length * bytesPerValue);
  for (let i = 0; i < values.length; i++) {
    if (bytesPerValue === 1) bytes.writeUInt8(values[i]!, i);
    else if (bytesPerValue === 2) bytes.writeUInt16LE(values[i]!, i * 2);
    else bytes.writeUInt32LE(values[i]!, i * 4);
  }
  return deflateRawSync(bytes).toString('base64');
}
