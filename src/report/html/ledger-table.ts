import type { RunResult } from '../../result/run-result.js';
import { formatCount } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import { LEDGER_KINDS, isLedgerBalanced, ledgersOf } from './ledger.js';
import type { RunView } from './report-data.js';

/** The delivery ledger of every run and transport with its balance check; empty when no run has a ledger. */
export function ledgerTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    if (run === undefined) return;
    for (const [transport, ledger] of ledgersOf(result)) {
      const balanced = isLedgerBalanced(ledger);
      rows.push([
        runCell(run),
        textCell(transport),
        ...LEDGER_KINDS.map((kind) => numberCell(formatCount(ledger[kind]))),
        `<td class="num"><span class="badge ${balanced ? 'ok' : 'invalid'}">${balanced ? 'balanced' : 'UNBALANCED'}</span></td>`,
      ]);
    }
  });
  if (rows.length === 0) return '';
  return htmlTable(['run', 'transport', 'published', 'delivered', 'lost', 'in flight', 'duplicates', 'reordered', 'balance'], rows, 'ledger', 2);
}
