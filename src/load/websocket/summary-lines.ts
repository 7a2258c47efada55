import type { RunResult } from '../../result/run-result.js';
import { percent } from '../webhook/summary-lines.js';

type Counters = RunResult['counters'];

const sumOf = (counters: Counters, prefix: string): number => Object.entries(counters).reduce((total, [name, value]) => (name.startsWith(prefix) ? total + value : total), 0);

/** The WebSocket part of the summary's first line: failed connections over attempted (opened + failed), dropped ones. */
export function websocketHeadline(counters: Counters): string[] {
  const parts: string[] = [];
  const failed = sumOf(counters, 'ws.connections.failed.');
  // A failed handshake was upgraded first: it is in `opened` already.
  const attempted = (counters['ws.connections.opened'] ?? 0) + failed - (counters['ws.connections.failed.handshake'] ?? 0);
  if (attempted > 0 && failed > 0) parts.push(`${failed} of ${attempted} connections failed (${percent(failed, attempted)})`);
  const dropped = sumOf(counters, 'ws.connections.dropped.');
  if (dropped > 0) parts.push(`${dropped} connections dropped`);
  return parts;
}

/** The WebSocket block: connections on both sides, messages, broadcasts, client memory per connection. */
export function websocketSummaryLines(result: RunResult): string[] {
  const { counters, validity } = result;
  if (counters['ws.connections.opened'] === undefined && !validity.shards?.some((shard) => shard.role.startsWith('ws-'))) return [];
  const sum = (prefix: string): Array<[string, number]> => Object.entries(counters).filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]);
  const detail = (entries: Array<[string, number]>): string => {
    const total = entries.reduce((all, [, value]) => all + value, 0);
    return `${total}${entries.length > 0 ? ` (${entries.map(([name, value]) => `${name} ${value}`).join(', ')})` : ''}`;
  };
  const lines = [
    `  ws         opened ${counters['ws.connections.opened'] ?? 0}  peak ${counters['ws.connections.peak'] ?? 0}  failed ${detail(sum('ws.connections.failed.'))}  dropped ${detail(sum('ws.connections.dropped.'))}`,
  ];
  // Only the built-in server counts its side (`ws.server.*`); an external server's side is unknown, not 0.
  if (Object.keys(counters).some((name) => name.startsWith('ws.server.'))) {
    lines.push(`             server: opened ${counters['ws.server.connections.opened'] ?? 0}  peak ${counters['ws.server.connections.peak'] ?? 0}`);
  }
  lines.push(
    `             messages sent ${counters['ws.messages.sent'] ?? 0}  received ${counters['ws.messages.received'] ?? 0}  echo unanswered ${counters['ws.echo.unanswered'] ?? 0}`,
  );
  if (counters['ws.broadcast.sent'] !== undefined) {
    lines.push(`             broadcasts ${counters['ws.server.broadcasts'] ?? 0}  frames sent ${counters['ws.broadcast.sent']}  received ${counters['ws.broadcast.received'] ?? 0}  missing ${counters['ws.broadcast.missing'] ?? 0}`);
  }
  if (counters['ws.broadcast.triggers.sent'] !== undefined) {
    lines.push(
      `             broadcasts triggered ${counters['ws.broadcast.triggers.sent']} (failed ${counters['ws.broadcast.triggers.failed'] ?? 0})  expected ${counters['ws.broadcast.expected'] ?? 0}  received ${counters['ws.broadcast.received'] ?? 0}  missing ${counters['ws.broadcast.missing'] ?? 0}`,
    );
  }
  if (counters['ws.requests.sent'] !== undefined) {
    lines.push(
      `             requests sent ${counters['ws.requests.sent']}  answered ${counters['ws.requests.answered'] ?? 0}  timeouts ${counters['ws.requests.timeouts'] ?? 0}  unanswered at the end ${counters['ws.requests.unanswered'] ?? 0}`,
    );
  }
  if (counters['ws.push.received'] !== undefined) {
    lines.push(
      `             pushes received ${counters['ws.push.received']}  gaps ${counters['ws.push.gaps'] ?? 0}  duplicates ${counters['ws.push.duplicates'] ?? 0}  reordered ${counters['ws.push.reordered'] ?? 0}`,
    );
  }
  if (counters['ws.subscriptions.errors'] !== undefined || counters['ws.subscriptions.completed'] !== undefined) {
    lines.push(`             subscriptions ended by the server: with an error ${counters['ws.subscriptions.errors'] ?? 0}  completed ${counters['ws.subscriptions.completed'] ?? 0}`);
  }
  if (counters['ws.requests.refused'] !== undefined) lines.push(`             requests refused by the server ${counters['ws.requests.refused']}`);
  const memory = validity.clientBytesPerConnection === undefined ? '-' : `${(validity.clientBytesPerConnection / 1024).toFixed(1)} KB`;
  const rate = validity.connectRatePerSec === undefined ? '-' : `${validity.connectRatePerSec.toFixed(0)}/s`;
  lines.push(`             client memory ${memory} per held connection  connect rate ${rate} during the ramp  processes ${validity.shards?.length ?? 0}`);
  if ((counters['ws.processes.crashed'] ?? 0) > 0) lines.push(`             crashed processes ${counters['ws.processes.crashed']}`);
  return lines;
}
