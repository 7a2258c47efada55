import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResult } from '../../../src/result/read-result.js';
import type { RunResult } from '../../../src/result/run-result.js';
import { REPORT_DATA_ELEMENT_ID } from '../../../src/report/html/report-template.js';
import type { ReportData } from '../../../src/report/html/report-data.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/results');

/** A fresh, mutable copy of a recorded result: webhook-burst (open model), webhook-closed, the delivery comparison, or a small WebSocket swarm. */
export function fixtureResult(name: 'webhook-burst' | 'webhook-closed' | 'webhook-vs-websocket' | 'ws-small'): RunResult {
  const path = join(FIXTURES, name, 'result.json');
  return parseResult(readFileSync(path, 'utf8'), path);
}

/** The JSON a report embeds for its charts, parsed back. */
export function embeddedData(html: string): ReportData {
  const match = new RegExp(`<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  if (!match?.[1]) throw new Error('no embedded report data');
  return JSON.parse(match[1]) as ReportData;
}
