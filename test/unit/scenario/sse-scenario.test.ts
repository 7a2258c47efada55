import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { unshardableReason } from '../../../src/run/shard-plan.js';
import { plannedWindowUs } from '../../../src/run/phases.js';
import { loadScenario, parseScenarioBytes, resolveScenarioPath } from '../../../src/scenario/load-scenario.js';

function problems(text: string): string[] {
  try {
    parseScenarioBytes(Buffer.from(text), 'sse.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('sse scenario section', () => {
  it('resolves the shipped sse-small scenario once: durations in µs, defaults filled', async () => {
    const { config } = await loadScenario(resolveScenarioPath('sse-small'));
    expect(config.sse).toEqual({
      target: 'builtin',
      connections: 300,
      connectRatePerSec: 1_000,
      connectTimeoutUs: 10_000_000,
      holdUs: 4_000_000,
      method: 'GET',
      connect: { headers: {}, query: {} },
      reconnect: { enabled: true, resume: true, retryUs: 300_000 },
      broadcast: { everyUs: 250_000, sizeBytes: 200 },
      faults: { dropAtUs: 2_000_000, history: 100 },
    });
    expect(plannedWindowUs(config)).toBe(300_000 + 4_000_000);
  });

  it('takes a URL with a POST body, templated headers and query, push by event type, and reconnect settings', () => {
    const { config } = parseScenarioBytes(
      Buffer.from(`name: llm
sse:
  target: https://api.example.com/v1/chat
  connections: 10
  hold: 30s
  method: POST
  body: { prompt: 'hi {{conn}}', stream: true }
  connect: { headers: { authorization: 'Bearer x' }, query: { user: 'u{{conn}}' } }
  reconnect: { enabled: true, resume: false, retry: 1s, maxAttempts: 3 }
  push: { event: token, sentAt: meta.sentAt, seq: meta.seq }
`),
      'llm.yaml',
    );
    const sse = config.sse!;
    expect(sse.target).toBeInstanceOf(URL);
    expect(sse.reconnect).toEqual({ enabled: true, resume: false, retryUs: 1_000_000, maxAttempts: 3 });
    expect(sse.push).toEqual({ event: 'token', sentAtPath: ['meta', 'sentAt'], sentAtUnit: 'ms', seqPath: ['meta', 'seq'] });
    expect(sse.body?.parts.length).toBeGreaterThan(1);
  });

  it('names each misplaced field with its line: body without POST, built-in-only fields on a URL, dropAt outside hold, a bad URL', () => {
    expect(problems('name: a\nsse:\n  connections: 1\n  hold: 1s\n  body: x\n')).toEqual(['sse.yaml:5:9: sse.body: `body` needs `method: POST`']);
    expect(problems('name: a\nsse:\n  target: http://127.0.0.1:1/e\n  connections: 1\n  hold: 1s\n  broadcast: { every: 1s }\n')).toEqual([
      'sse.yaml:6:14: sse.broadcast: `broadcast` needs `target: builtin` (your own server decides what it sends)',
    ]);
    expect(problems('name: a\nsse:\n  connections: 1\n  hold: 1s\n  faults: { dropAt: 2s }\n')[0]).toMatch(/^sse\.yaml:5:\d+: sse\.faults\.dropAt: `faults\.dropAt` must fall inside `hold`$/);
    expect(problems('name: a\nsse:\n  target: ws://127.0.0.1/e\n  connections: 1\n  hold: 1s\n')[0]).toMatch(/^sse\.yaml:3:\d+: sse\.target: expected "builtin" or an http/);
    expect(problems('name: a\nsse:\n  connections: 1\n  hold: 1s\n  reconnect: { retry: soon }\n')[0]).toMatch(/^sse\.yaml:5:\d+: sse\.reconnect\.retry: expected a duration/);
  });

  it('--shard: every shard needs a stream', () => {
    const { config } = parseScenarioBytes(Buffer.from('name: a\nsse:\n  connections: 3\n  hold: 1s\n'), 'a.yaml');
    expect(unshardableReason(config, 3)).toBeUndefined();
    expect(unshardableReason(config, 4)).toBe('sse.connections (3) is fewer than the 4 shards: every shard needs at least one stream');
  });
});
