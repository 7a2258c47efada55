import { describe, expect, it } from 'vitest';
import { isLedgerBalanced, ledgerProblems, ledgersOf } from '../../../src/report/html/ledger.js';
import { fixtureResult } from './report-fixtures.js';

describe('delivery ledger', () => {
  it('reads ledger.<transport>.<kind> counters per transport, missing kinds as 0', () => {
    const result = fixtureResult('webhook-closed');
    result.counters = { 'ledger.ws-ack.published': 10, 'ledger.ws-ack.delivered': 9, 'ledger.ws-ack.inflight': 1, 'ledger.webhook.published': 4 };
    const ledgers = ledgersOf(result);
    expect([...ledgers.keys()]).toEqual(['ws-ack', 'webhook']);
    expect(ledgers.get('ws-ack')).toEqual({ published: 10, delivered: 9, lost: 0, inflight: 1, duplicates: 0, reordered: 0 });
    expect(isLedgerBalanced(ledgers.get('ws-ack')!)).toBe(true);
  });

  it('names every unbalanced transport', () => {
    const result = fixtureResult('webhook-closed');
    result.counters = { 'ledger.ws.published': 100, 'ledger.ws.delivered': 90, 'ledger.ws.lost': 5, 'ledger.ws.duplicates': 3 };
    expect(ledgerProblems(result)).toEqual(['ledger of ws unbalanced: published 100 but delivered + lost + in flight = 95']);
  });
});
