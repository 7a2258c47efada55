import { WebSocket } from 'ws';
import { CauseBook } from '../../metrics/causes.js';
import { nowUs } from '../../metrics/clock.js';
import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';
import { classifyConnectError, closeCause, connectErrorCause } from './connect-error.js';
import { recordBroadcastArrival, type BroadcastTally } from './broadcast-match.js';
import { Conversation } from './conversation.js';
import type { ConversationSpec } from './conversation-spec.js';
import { DeltaCounters } from './delta-counters.js';
import { errorCloseCode } from './error-close-code.js';
import { parseUpgradeTarget, upgrade, UpgradeKeys, WS_INTERNAL_MISSING, type UpgradeTarget } from './lean-upgrade.js';
import { readBinaryFramesFast } from './fast-frames.js';
import { BROADCAST_KIND, broadcastIntendedUs, broadcastSequence, ECHO_KIND, echoIntendedUs, MIN_FRAME_BYTES } from './frames.js';

export interface SwarmOptions {
  /** Connection c (global index) goes to targets[c % targets.length]. */
  targets: string[];
  firstConnection: number;
  connections: number;
  connectRatePerSec: number;
  maxConnectsInFlight: number;
  connectTimeoutMs: number;
  /** Source address for every connection of this shard (a 127.x address for loopback targets). */
  localAddress?: string;
  /** Talking to a real server: connect options, protocol adapter, steps, requests, pushes. */
  conversation?: ConversationSpec;
}

/** What a swarm measured; histograms in µs. */
export interface SwarmMeasurements extends BroadcastTally {
  counters: DeltaCounters;
  /** Why connections failed or dropped, per counter. */
  causes: CauseBook;
  connect: Histogram;
  echo: Histogram;
}

/**
 * A shard's connections. The per-connection handlers are named module-level functions (no closure
 * per connection — at 100k that is memory); they reach their swarm's state through a symbol on the
 * socket, as ws does, so two swarms can live in one process. Per connection the swarm keeps the
 * WebSocket in one Set and that one property, nothing else.
 */
interface SwarmState {
  options: SwarmOptions;
  measured: SwarmMeasurements;
  conversation: Conversation | undefined;
  /** Connections open now, in opening order (the echo ticker walks it round robin). */
  open: Set<WebSocket>;
  /** Connects in flight and when each started (µs). */
  connecting: Map<WebSocket, number>;
  started: number;
  settled: number;
  rampStartUs: number;
  rampTimer: NodeJS.Timeout | undefined;
  /** Connects allowed in flight now: maxConnectsInFlight, halved while this process's event loop lags. */
  window: number;
  lastRampTickUs: number;
  onRamped: () => void;
  /** Set when the shard closes its connections: closes after this are not drops. */
  closing: boolean;
  lastMessageUs: number;
  /** Connection index of each socket still connecting (for its conversation). */
  indexOf: Map<WebSocket, number>;
  /** Targets parsed once for the lean upgrade (undefined: wss://, left to ws's own client). */
  upgradeTargets: Map<string, UpgradeTarget | undefined>;
  /** Sec-WebSocket-Key values for the lean upgrade. */
  keys: UpgradeKeys;
}

const SWARM = Symbol('pushbench.wsSwarm');

type SwarmSocket = WebSocket & { [SWARM]: SwarmState };

function swarmOf(socket: WebSocket): SwarmState {
  return (socket as SwarmSocket)[SWARM];
}

/** Connects also start as each one settles; the tick starts those due while none settles (34 shards at 500k: every wake-up counts). */
const RAMP_TICK_MS = 10;
/**
 * A ramp tick this late means the process waits for a CPU (more shards and servers than cores, all
 * busy): its timestamps, connect times included, would carry that wait. The shard halves its
 * connects in flight, and grows them back by one a tick once ticks are on time, so the ramp runs as
 * fast as the box allows and no faster (the achieved connect rate says how fast that was).
 */
const LAG_BACK_OFF_US = 25_000;
const LAG_RECOVER_US = 5_000;
const MIN_WINDOW = 4;
const MAX_PAYLOAD_BYTES = 1 << 20;

function onOpen(this: WebSocket): void {
  const swarm = swarmOf(this);
  const startUs = swarm.connecting.get(this);
  swarm.connecting.delete(this);
  const now = nowUs();
  if (startUs !== undefined) recordUs(swarm.measured.connect, now - startUs);
  swarm.measured.counters.add('ws.connections.opened');
  const index = swarm.indexOf.get(this);
  swarm.indexOf.delete(this);
  if (swarm.conversation && index !== undefined) {
    swarm.conversation.opened(this, index, now); // held once its handshake and steps succeed
    return;
  }
  // Built-in frames (broadcasts, echoes) skip ws's Receiver; anything else still goes through it.
  // A connection that came through ws's own client was counted as a fallback already.
  if (!readBinaryFramesFast(this, onMessage, MAX_PAYLOAD_BYTES) && WS_INTERNAL_MISSING === undefined) swarm.measured.counters.add('ws.client.fallback');
  swarm.open.add(this);
  settle(swarm);
}

/** A conversation finished its handshake and steps: the connection is held. */
function onReady(socket: WebSocket): void {
  const swarm = swarmOf(socket);
  swarm.open.add(socket);
  settle(swarm);
}

function onHandshakeFailed(socket: WebSocket): void {
  settle(swarmOf(socket));
}

/** The close code of a protocol error on an open connection (1009: a frame over maxPayload), counted when it closes. */
const kErrorCloseCode = Symbol('pushbench.errorCloseCode');
type ErroredSocket = WebSocket & { [kErrorCloseCode]?: number };

function onError(this: WebSocket, error: Error): void {
  const swarm = swarmOf(this);
  const { counters, causes } = swarm.measured;
  swarm.indexOf.delete(this);
  if (!swarm.connecting.delete(this)) {
    // After opening, 'close' follows and is what counts, with the error's code if it has one.
    const code = errorCloseCode(error);
    if (code !== undefined) (this as ErroredSocket)[kErrorCloseCode] = code;
    return;
  }
  if (swarm.closing) counters.add('ws.connections.cancelled');
  else {
    const counter = `ws.connections.failed.${classifyConnectError(error)}`;
    counters.add(counter);
    causes.note(counter, connectErrorCause(error));
  }
  settle(swarm);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const swarm = swarmOf(this);
  const { counters, causes } = swarm.measured;
  if (swarm.open.delete(this)) {
    if (!swarm.closing) {
      const dropped = `ws.connections.dropped.${(this as ErroredSocket)[kErrorCloseCode] ?? code}`;
      counters.add(dropped);
      causes.note(dropped, swarm.conversation?.dropCause(this) ?? closeCause(code, reason));
    }
  } else if (swarm.connecting.delete(this)) {
    swarm.indexOf.delete(this);
    if (swarm.closing) counters.add('ws.connections.cancelled');
    else {
      counters.add('ws.connections.failed.other');
      causes.note('ws.connections.failed.other', `closed before the upgrade completed: ${closeCause(code, reason)}`);
    }
    settle(swarm);
  } else if (swarm.conversation?.closed(this, code, reason)) {
    settle(swarm);
  }
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const swarm = swarmOf(this);
  const now = nowUs();
  swarm.lastMessageUs = now;
  swarm.measured.counters.add('ws.messages.received');
  if (!isBinary) {
    swarm.conversation?.received(this, data.toString(), now);
    return;
  }
  if (swarm.conversation?.receivedBinary(this, data, now)) return;
  if (data.length < MIN_FRAME_BYTES) return;
  if (data[0] === ECHO_KIND) {
    recordUs(swarm.measured.echo, now - echoIntendedUs(data));
    swarm.measured.counters.add('ws.echo.received');
  } else if (data[0] === BROADCAST_KIND) {
    recordBroadcastArrival(swarm.measured, broadcastSequence(data), now - broadcastIntendedUs(data));
  }
}

function settle(swarm: SwarmState): void {
  swarm.settled++;
  if (swarm.settled === swarm.options.connections) finishRamp(swarm);
  else pump(swarm);
}

function finishRamp(swarm: SwarmState): void {
  clearTimeout(swarm.rampTimer);
  swarm.rampTimer = undefined;
  swarm.onRamped();
}

/** Starts the connects due by now (open-model schedule at connectRatePerSec), within the in-flight bound. */
function pump(swarm: SwarmState): void {
  const { options } = swarm;
  const elapsedSec = (nowUs() - swarm.rampStartUs) / 1e6;
  const due = Math.min(options.connections, Math.floor(elapsedSec * options.connectRatePerSec) + 1);
  while (swarm.started < due && swarm.connecting.size < swarm.window && !swarm.closing) {
    connect(swarm, options.firstConnection + swarm.started);
    swarm.started++;
  }
}

function rampTick(swarm: SwarmState): void {
  const now = nowUs();
  const lagUs = now - swarm.lastRampTickUs - RAMP_TICK_MS * 1_000;
  swarm.lastRampTickUs = now;
  if (lagUs > LAG_BACK_OFF_US) {
    swarm.window = Math.max(MIN_WINDOW, Math.floor(swarm.window / 2));
    swarm.measured.counters.add('ws.connect.backoffs');
  } else if (lagUs < LAG_RECOVER_US && swarm.window < swarm.options.maxConnectsInFlight) swarm.window++;
  pump(swarm);
  if (swarm.started < swarm.options.connections && !swarm.closing) swarm.rampTimer = setTimeout(rampTick, RAMP_TICK_MS, swarm);
}

function upgradeTarget(swarm: SwarmState, url: string): UpgradeTarget | undefined {
  const { upgradeTargets } = swarm;
  if (!upgradeTargets.has(url)) upgradeTargets.set(url, parseUpgradeTarget(url));
  return upgradeTargets.get(url);
}

/** One WebSocket to `url`: the lean upgrade for ws://, ws's client for wss:// (and for ws:// when the installed ws lacks an internal the lean upgrade needs). */
function openWebSocket(swarm: SwarmState, url: string, headers: Record<string, string> | undefined, subprotocols: string[]): WebSocket {
  const { options } = swarm;
  // A conversation renders its query per connection, so its URLs are parsed each time.
  const target = headers ? parseUpgradeTarget(url) : upgradeTarget(swarm, url);
  if (target && WS_INTERNAL_MISSING !== undefined) swarm.measured.counters.add('ws.client.fallback');
  else if (target) {
    return upgrade(target, {
      ...(headers ? { headers } : {}),
      subprotocols,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      timeoutMs: options.connectTimeoutMs,
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      keys: swarm.keys,
    });
  }
  return new WebSocket(url, subprotocols, {
    ...options.conversation?.tls,
    perMessageDeflate: false,
    handshakeTimeout: options.connectTimeoutMs,
    maxPayload: MAX_PAYLOAD_BYTES,
    ...(headers ? { headers } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
}

function connect(swarm: SwarmState, index: number): void {
  const { options } = swarm;
  const target = options.targets[index % options.targets.length]!;
  const talk = swarm.conversation?.connectArgs(target, index);
  const socket = openWebSocket(swarm, talk?.url ?? target, talk?.headers, talk?.protocols ?? []);
  (socket as SwarmSocket)[SWARM] = swarm;
  swarm.connecting.set(socket, nowUs());
  if (talk) swarm.indexOf.set(socket, index);
  socket.on('open', onOpen);
  socket.on('message', onMessage);
  socket.on('error', onError);
  socket.on('close', onClose);
}

export class Swarm {
  private readonly state: SwarmState;

  constructor(options: SwarmOptions) {
    const measured: SwarmMeasurements = { counters: new DeltaCounters(), causes: new CauseBook(), connect: createHistogram(), echo: createHistogram(), broadcast: createHistogram(), broadcastLastUs: new Map() };
    this.state = {
      options,
      measured,
      conversation: options.conversation ? new Conversation(options.conversation, { counters: measured.counters, causes: measured.causes, broadcast: measured.broadcast, broadcastLastUs: measured.broadcastLastUs, onReady, onFailed: onHandshakeFailed }) : undefined,
      open: new Set(),
      connecting: new Map(),
      started: 0,
      settled: 0,
      rampStartUs: 0,
      rampTimer: undefined,
      window: options.maxConnectsInFlight,
      lastRampTickUs: 0,
      onRamped: () => {},
      closing: false,
      lastMessageUs: 0,
      indexOf: new Map(),
      upgradeTargets: new Map(),
      keys: new UpgradeKeys(),
    };
  }

  /** Opens the shard's connections at the asked rate; resolves when every attempt has opened or failed. Once per swarm. */
  rampUp(): Promise<void> {
    const swarm = this.state;
    if (swarm.rampStartUs !== 0) throw new Error('a swarm ramps up once');
    return new Promise((resolve) => {
      swarm.onRamped = resolve;
      swarm.rampStartUs = nowUs();
      swarm.lastRampTickUs = swarm.rampStartUs - RAMP_TICK_MS * 1_000;
      rampTick(swarm);
    });
  }

  /** Its counters and histograms (a view of them, not the swarm's state). */
  get measured(): SwarmMeasurements {
    return this.state.measured;
  }

  /** What is said on the connections, when the scenario talks to a real server. */
  get conversation(): Conversation | undefined {
    return this.state.conversation;
  }

  /** Connections open now, in opening order. */
  get open(): ReadonlySet<WebSocket> {
    return this.state.open;
  }

  connectsInFlight(): number {
    return this.state.connecting.size;
  }

  /** When the last message arrived (µs), for waiting until traffic has drained. */
  lastMessageUs(): number {
    return this.state.lastMessageUs;
  }

  /**
   * Ends the ramp: connects still in flight are counted as cancelled (not failed) and aborted. From
   * here on no close counts as a drop, so the shard's counters are final and can be reported.
   */
  stopConnecting(): void {
    const swarm = this.state;
    swarm.closing = true;
    clearTimeout(swarm.rampTimer);
    if (swarm.connecting.size > 0) swarm.measured.counters.add('ws.connections.cancelled', swarm.connecting.size);
    const inFlight = [...swarm.connecting.keys()];
    swarm.connecting.clear();
    for (const socket of inFlight) socket.terminate();
  }

  /**
   * Tears every connection down at once (TCP reset, no closing handshake): after the shard has
   * reported, 15,000 close handshakes would only cost time. Call stopConnecting() first.
   */
  terminateAll(): void {
    const swarm = this.state;
    swarm.closing = true;
    for (const socket of swarm.open) socket.terminate();
  }
}
