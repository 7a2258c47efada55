import type { RunResult } from '../../result/run-result.js';

/** The per-event ledger kinds a delivery run counts per transport, as counters `ledger.<transport>.<kind>`. */
export const LEDGER_KINDS = ['published', 'delivered', 'lost', 'inflight', 'duplicates', 'reordered'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export type Ledger = Record<LedgerKind, number>;

const LEDGER_COUNTER = /^ledger\.(.+)\.([^.]+)$/;

/** The ledger of each transport in a run (missing kinds are 0), in the order the transports ran (else first-seen order). */
export function ledgersOf(result: RunResult): Map<string, Ledger> {
  const ledgers = new Map<string, Ledger>(Object.keys(result.delivery?.transports ?? {}).map((transport) => [transport, emptyLedger()]));
  for (const [name, value] of Object.entries(result.counters)) {
    const match = LEDGER_COUNTER.exec(name);
    const transport = match?.[1];
    const kind = match?.[2];
    if (transport === undefined || !isLedgerKind(kind)) continue;
    const ledger = ledgers.get(transport) ?? emptyLedger();
    ledger[kind] = value;
    ledgers.set(transport, ledger);
  }
  return ledgers;
}

/** published == delivered + lost + in flight, or the run is void (duplicates and reordering are counted apart). */
export function isLedgerBalanced(ledger: Ledger): boolean {
  return ledger.published === ledger.delivered + ledger.lost + ledger.inflight;
}

/** One line per unbalanced transport, for the invalid-run banner. */
export function ledgerProblems(result: RunResult): string[] {
  const problems: string[] = [];
  for (const [transport, ledger] of ledgersOf(result)) {
    if (isLedgerBalanced(ledger)) continue;
    const accounted = ledger.delivered + ledger.lost + ledger.inflight;
    problems.push(`ledger of ${transport} unbalanced: published ${ledger.published} but delivered + lost + in flight = ${accounted}`);
  }
  return problems;
}

function isLedgerKind(kind: string | undefined): kind is LedgerKind {
  return (LEDGER_KINDS as readonly string[]).includes(kind ?? '');
}

function emptyLedger(): Ledger {
  return { published: 0, delivered: 0, lost: 0, inflight: 0, duplicates: 0, reordered: 0 };
}
