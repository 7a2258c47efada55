import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { FIN_BINARY, LENGTH_16, LENGTH_64 } from './frames.js';

/**
 * A shortcut past ws's Receiver for the frames a swarm reads most: whole, unmasked, final binary
 * data frames (the built-in server's broadcasts and echoes). Each chunk the socket delivers is
 * scanned; every such frame it holds whole goes straight to `onBinary`, and the first byte of
 * anything else (a text or control frame, a fragment, a frame cut across chunks) and all after it
 * go to ws's own `socketOnData`, which parses, answers pings and closes as always. While ws's
 * Receiver holds part of a frame, every chunk goes to it. ws's Receiver is a Writable stream with
 * an event per frame; skipping it halves a client's CPU per message.
 *
 * Relies on ws internals (lib/websocket.js socketOnData, lib/receiver.js state), pinned by
 * test/integration/fast-frames.test.ts.
 */

const MASK_BIT = 0x80;
const RECEIVER_GET_INFO = 0;

/** The parts of ws's Receiver that tell whether it is between frames. */
interface ReceiverState {
  _state: number;
  _bufferedBytes: number;
  _fragmented: number;
  _errored: boolean;
  writableLength: number;
}

interface FastReader {
  websocket: WebSocket;
  receiver: ReceiverState;
  wsOnData: (this: Socket, chunk: Buffer) => void;
  onBinary: (this: WebSocket, data: Buffer, isBinary: boolean) => void;
  maxPayloadBytes: number;
}

const kFast = Symbol('pushbench.fastFrames');
type FastSocket = Socket & { [kFast]: FastReader };

/**
 * Reads `websocket`'s whole binary frames without ws's Receiver, handing each to `onBinary` as
 * ws's 'message' event would (the caller registers `onBinary` for 'message' too, which gets the
 * rest). Call once it is open; returns false (and changes nothing) when ws's reader is not found.
 */
export function readBinaryFramesFast(websocket: WebSocket, onBinary: FastReader['onBinary'], maxPayloadBytes: number): boolean {
  const internals = websocket as unknown as { _socket?: Socket; _receiver?: ReceiverState };
  const socket = internals._socket;
  const receiver = internals._receiver;
  if (!socket || !receiver || websocket.readyState !== WebSocket.OPEN) return false;
  const wsOnData = socket.listeners('data').find((listener) => listener.name === 'socketOnData') as FastReader['wsOnData'] | undefined;
  if (!wsOnData) return false;
  (socket as FastSocket)[kFast] = { websocket, receiver, wsOnData, onBinary, maxPayloadBytes };
  socket.removeListener('data', wsOnData);
  socket.on('data', onFastData);
  return true;
}

function between(receiver: ReceiverState): boolean {
  return receiver._state === RECEIVER_GET_INFO && receiver._bufferedBytes === 0 && receiver._fragmented === 0 && !receiver._errored && receiver.writableLength === 0;
}

function onFastData(this: FastSocket, chunk: Buffer): void {
  const reader = this[kFast];
  if (!between(reader.receiver) || reader.websocket.readyState !== WebSocket.OPEN) {
    reader.wsOnData.call(this, chunk);
    return;
  }
  let at = 0;
  while (chunk.length - at >= 2) {
    if (chunk[at] !== FIN_BINARY) break;
    const second = chunk[at + 1]!;
    if (second & MASK_BIT) break; // a server must not mask: ws reports it
    let length = second;
    let header = 2;
    if (length === LENGTH_16) {
      if (chunk.length - at < 4) break;
      length = chunk.readUInt16BE(at + 2);
      header = 4;
    } else if (length === LENGTH_64) break;
    if (length > reader.maxPayloadBytes || chunk.length - at < header + length) break;
    reader.onBinary.call(reader.websocket, chunk.subarray(at + header, at + header + length), true);
    at += header + length;
    if (reader.websocket.readyState !== WebSocket.OPEN) return; // the handler closed it
  }
  if (at < chunk.length) reader.wsOnData.call(this, at === 0 ? chunk : chunk.subarray(at));
}
