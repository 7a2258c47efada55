/**
 * The payloads pushbench's WebSocket client and built-in server exchange (binary frames):
 *   echo:      [1][f64 intended send time, µs]            padded to the echo size
 *   broadcast: [2][u32 sequence][f64 intended send time, µs] padded to the broadcast size
 * Times are monotonic microseconds (`nowUs()`), comparable across processes on one host.
 */
export const ECHO_KIND = 1;
export const BROADCAST_KIND = 2;
const ECHO_TIME_OFFSET = 1;
const BROADCAST_SEQ_OFFSET = 1;
const BROADCAST_TIME_OFFSET = 5;
/** Smallest payload that holds a broadcast header. */
export const MIN_FRAME_BYTES = 13;

/** A reusable echo payload of `sizeBytes`; stamp it before each send (ws copies it while masking). */
export function echoPayload(sizeBytes: number): Buffer {
  const payload = Buffer.alloc(Math.max(sizeBytes, MIN_FRAME_BYTES));
  payload[0] = ECHO_KIND;
  return payload;
}

export function stampEcho(payload: Buffer, intendedUs: number): void {
  payload.writeDoubleLE(intendedUs, ECHO_TIME_OFFSET);
}

export function echoIntendedUs(data: Buffer): number {
  return data.readDoubleLE(ECHO_TIME_OFFSET);
}

export function broadcastPayload(sizeBytes: number, sequence: number, intendedUs: number): Buffer {
  const payload = Buffer.alloc(Math.max(sizeBytes, MIN_FRAME_BYTES));
  payload[0] = BROADCAST_KIND;
  payload.writeUInt32LE(sequence, BROADCAST_SEQ_OFFSET);
  payload.writeDoubleLE(intendedUs, BROADCAST_TIME_OFFSET);
  return payload;
}

export function broadcastSequence(data: Buffer): number {
  return data.readUInt32LE(BROADCAST_SEQ_OFFSET);
}

export function broadcastIntendedUs(data: Buffer): number {
  return data.readDoubleLE(BROADCAST_TIME_OFFSET);
}

/** First byte of a final binary frame (FIN + opcode 2). */
export const FIN_BINARY = 0x82;
/** Second-byte length values that mean "16-bit length follows" and "64-bit length follows". */
export const LENGTH_16 = 126;
export const LENGTH_64 = 127;

/** A whole unmasked binary frame (header + payload) a server can write to every socket as is. */
export function serverBinaryFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < LENGTH_16 ? Buffer.from([FIN_BINARY, length]) : Buffer.from([FIN_BINARY, LENGTH_16, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}
