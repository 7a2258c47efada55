import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseShard, planHash, unshardableReason } from '../../../src/run/shard-plan.js';
import { MAX_START_LATENESS_US, parseStartAt, StartGate } from '../../../src/run/start-gate.js';
import { scenarioFrom, TEST_SECRET } from '../../helpers/scenarios.js';

const yaml = (secret: string, rate = 100): string => `
name: plan
webhook:
  secret: ${secret}
  load: { model: open, rate: ${rate}, duration: 1s }
`;

describe('parseShard', () => {
  it('reads I/N with I 0-based', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
  });
  it('refuses anything else with one line naming the source', () => {
    for (const bad of ['4/4', '1/0', '-1/2', 'a/b', '1', '1/2/3', '']) {
      expect(() => parseShard(bad, 'PUSHBENCH_SHARD')).toThrow(InputError);
    }
    expect(() => parseShard('4/4')).toThrow('--shard: expected I/N with N >= 1 and 0 <= I < N (I is 0-based, like JOB_COMPLETION_INDEX), got "4/4"');
  });
});

describe('planHash', () => {
  it('is the same for the same scenario and N, whatever the secret', () => {
    const a = scenarioFrom(yaml(TEST_SECRET)).config;
    const b = scenarioFrom(yaml('whsec_' + Buffer.from('another secret of 32 bytes!!!!!!').toString('base64'))).config;
    expect(planHash(a, 4)).toBe(planHash(b, 4));
    expect(planHash(a, 4)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('differs with N or any field of the plan', () => {
    const a = scenarioFrom(yaml(TEST_SECRET)).config;
    expect(planHash(a, 4)).not.toBe(planHash(a, 3));
    expect(planHash(a, 4)).not.toBe(planHash(scenarioFrom(yaml(TEST_SECRET, 101)).config, 4));
  });
});

describe('unshardableReason', () => {
  it('refuses delivery scenarios and fewer WebSocket connections than shards', () => {
    const ws = scenarioFrom('name: w\nwebsocket: { connections: 3, hold: 1s }\n').config;
    expect(unshardableReason(ws, 3)).toBeUndefined();
    expect(unshardableReason(ws, 4)).toMatch(/websocket.connections \(3\) is fewer than the 4 shards/);
    const closed = scenarioFrom('name: c\nwebhook:\n  load: { model: closed, connections: 2, duration: 1s }\n').config;
    expect(unshardableReason(closed, 2)).toBeUndefined();
    expect(unshardableReason(closed, 3)).toMatch(/webhook.load.connections \(2\) is fewer than the 3 shards/);
    const delivery = scenarioFrom('name: d\ndelivery:\n  subscribers: 2\n  transports: [webhook]\n  events: { rate: 10, duration: 1s }\n').config;
    expect(unshardableReason(delivery, 2)).toMatch(/delivery scenario cannot be split/);
  });
  it('splits a pipeline against URL targets with an open-model ingest; refuses builtin, closed model and fewer subscribers than shards', () => {
    const pipeline = (ingest: string, load: string, push: string, connections = 2): string =>
      `name: p\npipeline:\n  ingest:\n    target: ${ingest}\n    load: ${load}\n  subscribers:\n    websocket: { target: ${push}, connections: ${connections} }\n`;
    const open = '{ model: open, rate: 10, duration: 1s }';
    const urls = scenarioFrom(pipeline('http://127.0.0.1:9/hook', open, 'ws://127.0.0.1:9')).config;
    expect(unshardableReason(urls, 2)).toBeUndefined();
    expect(unshardableReason(urls, 3)).toBe("the pipeline's 2 subscribers are fewer than the 3 shards: every shard needs at least one");
    const builtin = scenarioFrom(pipeline('builtin', open, 'builtin')).config;
    expect(unshardableReason(builtin, 1)).toBeUndefined();
    expect(unshardableReason(builtin, 2)).toMatch(/^pipeline target: builtin cannot be shared by shard processes \(each would start its own backend\)/);
    const closed = scenarioFrom(pipeline('http://127.0.0.1:9/hook', '{ model: closed, connections: 4, duration: 1s }', 'ws://127.0.0.1:9')).config;
    expect(unshardableReason(closed, 2)).toMatch(/^a closed-model pipeline cannot be split over shards/);
  });
});

describe('--start-at', () => {
  it('reads ISO-8601 with a zone and Unix milliseconds', () => {
    expect(parseStartAt('2026-11-28T17:00:00Z')).toBe(Date.UTC(2026, 10, 28, 17));
    expect(parseStartAt('2026-11-28T18:00:00.250+01:00')).toBe(Date.UTC(2026, 10, 28, 17, 0, 0, 250));
    expect(parseStartAt('1795885200000')).toBe(1795885200000);
  });
  it('refuses a time without a zone and garbage', () => {
    expect(() => parseStartAt('2026-11-28T17:00:00')).toThrow(/--start-at: expected an ISO-8601 time with a zone/);
    expect(() => parseStartAt('soon')).toThrow(InputError);
  });
  it('waits for the instant and records how far from it the start fell', async () => {
    const gate = new StartGate(Date.now() + 150);
    await gate.open();
    expect(Math.abs(gate.start!.startSkewUs)).toBeLessThan(MAX_START_LATENESS_US);
    expect(gate.reason).toBeUndefined();
  });
  it('names the lateness of a shard that reaches the instant too late', async () => {
    const gate = new StartGate(Date.now() - 2_000);
    await gate.open();
    expect(gate.start!.startSkewUs).toBeGreaterThanOrEqual(2_000_000);
    expect(gate.reason).toMatch(/^this shard reached --start-at 2\d{3}\.\d ms late \(limit 20\.0 ms\)/);
  });
});
