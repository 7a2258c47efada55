import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '../../../src/load/webhook/error-class.js';
import { classifyConnectError } from '../../../src/load/websocket/connect-error.js';
import { FAILURES_COUNTER, LIVE_GAUGES } from '../../../src/outputs/prometheus/prometheus-output.js';
import { counterName, gaugeName, histogramName } from '../../../src/outputs/prometheus/series.js';
import { parseResult } from '../../../src/result/read-result.js';
import { ROOT } from '../../helpers/cli.js';

const BOARD = join(ROOT, 'deploy/grafana/pushbench-dashboard.json');

interface Board {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ query: string | { query: string } }> };
}

/** Every series name pushbench writes for the runs in test/fixtures/results, plus the error classes and the fixed gauges. */
function sentNames(): Set<string> {
  const names = new Set<string>([...LIVE_GAUGES, counterName(FAILURES_COUNTER)]);
  const dir = join(ROOT, 'test/fixtures/results');
  for (const run of readdirSync(dir)) {
    const path = join(dir, run, 'result.json');
    const result = parseResult(readFileSync(path, 'utf8'), path);
    for (const counter of Object.keys(result.counters)) names.add(counterName(counter));
    for (const metric of Object.keys(result.metrics)) for (const suffix of ['_bucket', '_sum', '_count']) names.add(histogramName(metric) + suffix);
    for (const point of result.timeline) for (const gauge of Object.keys(point.gauges)) names.add(gaugeName(gauge));
  }
  for (const errorClass of ERROR_CLASSES) names.add(counterName(`webhook.errors.${errorClass}`));
  names.add(counterName(`ws.connections.failed.${classifyConnectError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))}`));
  names.add(counterName('ws.connections.dropped.1006'));
  return names;
}

function queries(board: Board): string[] {
  const targets = board.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
  const variables = board.templating.list.flatMap((variable) => (typeof variable.query === 'object' ? [variable.query.query] : []));
  return [...targets, ...variables];
}

describe('deploy/grafana/pushbench-dashboard.json', () => {
  const board = JSON.parse(readFileSync(BOARD, 'utf8')) as Board;
  const sent = sentNames();

  it('names only metrics pushbench sends, in every query (plain names and __name__ regexes)', () => {
    const all = queries(board);
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const query of all) {
      const regexes = [...query.matchAll(/__name__=~"([^"]+)"/g)].map((match) => match[1]!);
      const plain = query.replace(/__name__=~"[^"]+"/g, '').match(/\bpushbench_[A-Za-z0-9_]+/g) ?? [];
      expect(regexes.length + plain.length, query).toBeGreaterThan(0);
      for (const name of plain) expect(sent.has(name), `${name} in ${query}`).toBe(true);
      for (const regex of regexes) {
        const pattern = new RegExp(`^(?:${regex})$`);
        expect([...sent].some((name) => pattern.test(name)), `${regex} in ${query}`).toBe(true);
      }
      if (!query.startsWith('label_values')) expect(query, 'every panel query selects one run').toContain('testid=~"$testid"');
    }
  });

  it('has the panels the issue asks for: rate, p50/p99 over sum by (le), errors by class, open connections, generator health', () => {
    const titles = board.panels.map((panel) => panel.title);
    expect(titles.some((title) => title.startsWith('Rate'))).toBe(true);
    const latency = board.panels.filter((panel) => /latency p50 \/ p99/.test(panel.title)).flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(latency.some((expr) => expr.startsWith('histogram_quantile(0.99, sum by (le) ('))).toBe(true);
    expect(latency.some((expr) => expr.startsWith('histogram_quantile(0.5, sum by (le) ('))).toBe(true);
    expect(titles).toContain('Errors by class (all shards)');
    expect(titles).toContain('Open connections');
    expect(titles).toContain('Generator health (per shard)');
  });
});
