import { createHash, randomFillSync } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { WebSocket } from 'ws';

/**
 * A lean WebSocket client handshake for ws:// targets: writes the upgrade GET itself, parses the
 * 101, checks Sec-WebSocket-Accept, and hands the socket to ws (`setSocket`, as ws's own client
 * does once its http.ClientRequest upgraded). It skips http.request, its parser and agent, which
 * were most of the ~300 µs of client CPU per connect at 100k connections.
 *
 * The WebSocket it returns behaves like one from `new WebSocket(url)`: 'open' once upgraded;
 * 'error' then 'close' when the upgrade fails, with ws's own error messages (so
 * classifyConnectError reads `http<status>`, timeouts and errno codes the same way); terminate()
 * while connecting aborts the TCP connection.
 */

/** A ws:// URL parsed once per target. */
export interface UpgradeTarget {
  host: string;
  port: number;
  /** The request line and Host header, ready to write. */
  requestHead: string;
}

export interface UpgradeOptions {
  /** Extra request headers (e.g. Authorization), written as given. */
  headers?: Record<string, string>;
  subprotocols?: readonly string[];
  localAddress?: string;
  timeoutMs: number;
  maxPayloadBytes: number;
  /** Where Sec-WebSocket-Key values come from. */
  keys: UpgradeKeys;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const KEY_BYTES = 16;
const KEYS_PER_FILL = 1024;

/** Sec-WebSocket-Key values, random bytes filled 1,024 keys at a time (a fill per key costs ~20x more). One per swarm. */
export class UpgradeKeys {
  private readonly pool = Buffer.alloc(KEY_BYTES * KEYS_PER_FILL);
  private left = 0;

  next(): string {
    if (this.left === 0) {
      randomFillSync(this.pool);
      this.left = KEYS_PER_FILL;
    }
    this.left--;
    return this.pool.toString('base64', this.left * KEY_BYTES, (this.left + 1) * KEY_BYTES);
  }
}

/** The parsed target, or undefined when the lean path does not apply (wss://: ws's client does TLS). */
export function parseUpgradeTarget(url: string): UpgradeTarget | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'http:') return undefined;
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    host,
    port: parsed.port === '' ? 80 : Number(parsed.port),
    requestHead: `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\n`,
  };
}

/** What a socket carries while its upgrade is in flight. */
interface Handshake {
  websocket: WebSocket;
  accept: string;
  subprotocols: readonly string[];
  maxPayloadBytes: number;
  received: Buffer | undefined;
}

const kHandshake = Symbol('pushbench.handshake');
type HandshakeSocket = Socket & { [kHandshake]?: Handshake };

/** ws internals its own client sets before setSocket() (lib/websocket.js, initAsClient). */
interface WebSocketInternals {
  _isServer: boolean;
  _bufferedAmount: number;
  _req: unknown;
  _protocol: string;
  _readyState: number;
  emitClose(): void;
  setSocket(socket: Socket, head: Buffer, options: { maxPayload: number; allowSynchronousEvents: boolean; skipUTF8Validation: boolean }): void;
}

/** Fields ws's constructor sets on every WebSocket that the lean upgrade then reads or writes. */
const NEEDED_FIELDS = ['_isServer', '_readyState', '_protocol', '_socket', '_receiver'] as const;
/** Methods of ws's WebSocket the lean upgrade calls. */
const NEEDED_METHODS = ['setSocket', 'emitClose'] as const;

/**
 * Checks, on a WebSocket that connects nowhere, that the ws internals the lean upgrade relies on are
 * there: the name of the first one missing, or undefined when all are. (`_req` and
 * `_bufferedAmount` exist on client instances only; test/integration/lean-upgrade.test.ts pins them.)
 */
export function missingWsInternal(WebSocketClass: typeof WebSocket = WebSocket): string | undefined {
  const probe = new WebSocketClass(null as unknown as string, undefined, { autoPong: true } as never) as unknown as Record<string, unknown>;
  const field = NEEDED_FIELDS.find((name) => !Object.hasOwn(probe, name));
  if (field) return field;
  return NEEDED_METHODS.find((name) => typeof probe[name] !== 'function');
}

/**
 * Probed once per process, when this module loads: the ws internal missing in the installed ws
 * (then every ws:// connect goes through ws's own client, counted as `ws.client.fallback`), or
 * undefined when the lean upgrade can be used.
 */
export const WS_INTERNAL_MISSING: string | undefined = missingWsInternal();

/** Starts the upgrade of one connection to `target`. Only when WS_INTERNAL_MISSING is undefined. */
export function upgrade(target: UpgradeTarget, options: UpgradeOptions): WebSocket {
  const websocket = new WebSocket(null as unknown as string, undefined, { autoPong: true } as never);
  const internals = websocket as unknown as WebSocketInternals;
  internals._isServer = false; // a client: frames it sends are masked, frames it receives are not
  internals._bufferedAmount = 0;
  const badHeader = options.headers && headerWithCrOrLf(options.headers);
  if (badHeader) {
    // Written raw it would end the header and inject others: the connect fails before it starts.
    const error = Object.assign(new Error(`Invalid value of header "${badHeader}": it holds a CR or LF`), { code: 'ERR_INVALID_CHAR' });
    internals._req = new PassThrough(); // what terminate() destroys if it comes first
    setImmediate(() => failUnstarted(internals, websocket, error));
    return websocket;
  }
  const key = options.keys.next();
  const socket: HandshakeSocket = connectTcp({ host: target.host, port: target.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  internals._req = socket; // terminate() while connecting destroys it (ws's abortHandshake for a stream)
  socket[kHandshake] = {
    websocket,
    accept: createHash('sha1').update(key + GUID).digest('base64'),
    subprotocols: options.subprotocols ?? [],
    maxPayloadBytes: options.maxPayloadBytes,
    received: undefined,
  };
  let request = `${target.requestHead}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n`;
  if (options.subprotocols && options.subprotocols.length > 0) request += `Sec-WebSocket-Protocol: ${options.subprotocols.join(',')}\r\n`;
  if (options.headers) for (const name in options.headers) request += `${name}: ${options.headers[name]}\r\n`;
  socket.write(`${request}\r\n`);
  socket.setTimeout(options.timeoutMs, onHandshakeTimeout);
  socket.on('data', onHandshakeData);
  socket.on('error', onHandshakeError);
  socket.on('close', onHandshakeClose);
  return websocket;
}

const BODY_HEAD_BYTES = 200;

function onHandshakeData(this: HandshakeSocket, chunk: Buffer): void {
  const handshake = this[kHandshake];
  if (!handshake) return;
  const received = handshake.received ? Buffer.concat([handshake.received, chunk]) : chunk;
  const end = received.indexOf(HEAD_END);
  if (end === -1) {
    if (received.length > MAX_RESPONSE_HEAD_BYTES) fail(this, new Error('Unexpected server response: the response head is over 16 KB'));
    else handshake.received = received;
    return;
  }
  const problem = checkResponse(received.toString('latin1', 0, end), handshake);
  if (typeof problem === 'string') {
    // A refused upgrade's body usually says why (its first bytes become the failure's cause).
    const bodyHead = received.toString('utf8', end + HEAD_END.length, end + HEAD_END.length + BODY_HEAD_BYTES);
    fail(this, Object.assign(new Error(problem), bodyHead ? { bodyHead } : {}));
    return;
  }
  finish(this, handshake, problem.protocol, received.subarray(end + HEAD_END.length));
}

/** The negotiated subprotocol of a valid 101 response, or ws's message for what is wrong with it. */
function checkResponse(head: string, handshake: Handshake): { protocol: string } | string {
  const lines = head.split('\r\n');
  const status = Number(lines[0]!.split(' ', 2)[1]);
  if (status !== 101) return `Unexpected server response: ${Number.isInteger(status) ? status : 0}`;
  let upgradeHeader = '';
  let accept = '';
  let protocol: string | undefined;
  let extensions = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'upgrade') upgradeHeader = value;
    else if (name === 'sec-websocket-accept') accept = value;
    else if (name === 'sec-websocket-protocol') protocol = value;
    else if (name === 'sec-websocket-extensions') extensions = true;
  }
  if (upgradeHeader.toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
  if (accept !== handshake.accept) return 'Invalid Sec-WebSocket-Accept header';
  if (protocol !== undefined && !handshake.subprotocols.includes(protocol)) return 'Server sent an invalid subprotocol';
  if (protocol === undefined && handshake.subprotocols.length > 0) return 'Server sent no subprotocol';
  if (extensions) return 'Server sent a Sec-WebSocket-Extensions header but no extension was requested';
  return { protocol: protocol ?? '' };
}

function finish(socket: HandshakeSocket, handshake: Handshake, protocol: string, head: Buffer): void {
  detach(socket);
  const internals = handshake.websocket as unknown as WebSocketInternals;
  internals._req = null;
  internals._protocol = protocol;
  internals.setSocket(socket, head, { maxPayload: handshake.maxPayloadBytes, allowSynchronousEvents: true, skipUTF8Validation: false });
}

function detach(socket: HandshakeSocket): void {
  socket[kHandshake] = undefined;
  socket.setTimeout(0);
  socket.removeListener('data', onHandshakeData);
  socket.removeListener('error', onHandshakeError);
  socket.removeListener('close', onHandshakeClose);
}

/** The upgrade failed: 'error' then 'close' on the WebSocket, as ws emits them. */
function fail(socket: HandshakeSocket, error: Error): void {
  const handshake = socket[kHandshake];
  detach(socket);
  socket.destroy();
  if (!handshake) return;
  const internals = handshake.websocket as unknown as WebSocketInternals;
  if (internals._readyState !== WebSocket.CONNECTING) return; // terminate() aborted it and emits itself
  internals._readyState = WebSocket.CLOSING;
  internals._req = null;
  handshake.websocket.emit('error', error);
  internals.emitClose();
}

/** The name of the first header whose name or value holds CR or LF, or undefined. */
function headerWithCrOrLf(headers: Record<string, string>): string | undefined {
  for (const name in headers) if (/[\r\n]/.test(name) || /[\r\n]/.test(headers[name]!)) return JSON.stringify(name).slice(1, -1);
  return undefined;
}

function failUnstarted(internals: WebSocketInternals, websocket: WebSocket, error: Error): void {
  if (internals._readyState !== WebSocket.CONNECTING) return; // terminate() came first
  internals._readyState = WebSocket.CLOSING;
  internals._req = null;
  websocket.emit('error', error);
  internals.emitClose();
}

function onHandshakeError(this: HandshakeSocket, error: Error): void {
  fail(this, error);
}

function onHandshakeTimeout(this: HandshakeSocket): void {
  fail(this, new Error('Opening handshake has timed out'));
}

function onHandshakeClose(this: HandshakeSocket): void {
  fail(this, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
}
