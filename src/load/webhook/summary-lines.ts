import type { RunResult } from '../../result/run-result.js';

type Counters = RunResult['counters'];

const sumOf = (counters: Counters, prefix: string): number => Object.entries(counters).reduce((total, [name, value]) => (name.startsWith(prefix) ? total + value : total), 0);

/** The webhook part of the summary's first line: failed requests over sent, when any failed. */
export function webhookHeadline(counters: Counters): string[] {
  const sent = counters['webhook.sent'] ?? 0;
  const requestErrors = sumOf(counters, 'webhook.errors.');
  return sent > 0 && requestErrors > 0 ? [`${requestErrors} of ${sent} requests failed (${percent(requestErrors, sent)})`] : [];
}

/** The webhook block of the text summary: requests by outcome, unfinished ones, the built-in receiver's counts. */
export function webhookSummaryLines(result: RunResult): string[] {
  const { counters } = result;
  const lines: string[] = [];
  const sent = counters['webhook.sent'] ?? 0;
  if (sent > 0) {
    const ok = counters['webhook.ok'] ?? 0;
    const errors = Object.entries(counters).filter(([name]) => name.startsWith('webhook.errors.'));
    const errorTotal = errors.reduce((sum, [, value]) => sum + value, 0);
    const detail = errors.map(([name, value]) => `${name.slice('webhook.errors.'.length)} ${value}`).join(', ');
    lines.push(`  requests   sent ${sent}  ok ${ok} (${percent(ok, sent)})  errors ${errorTotal}${detail ? ` (${detail})` : ''}`);
    const unfinished = counters['webhook.unfinished'] ?? 0;
    if (unfinished > 0) lines.push(`             unfinished ${unfinished} (cut off when the run ended)`);
  }
  if (counters['receiver.received'] !== undefined) {
    lines.push(
      `  receiver   received ${counters['receiver.received']}  unique ${counters['receiver.unique'] ?? 0}  duplicates ${counters['receiver.duplicates'] ?? 0}  bad signature ${counters['receiver.badSignature'] ?? 0}`,
    );
  }
  return lines;
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(2)}%`;
}
