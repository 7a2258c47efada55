import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { scenarioFrom } from '../../helpers/scenarios.js';

function problems(yaml: string): string[] {
  try {
    scenarioFrom(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the scenario to be refused');
}

const BASE = `
name: p
pipeline:
  ingest:
    target: builtin
    load: { model: open, rate: 10, duration: 1s }
  subscribers:
    websocket: { connections: 3 }
`;

describe('pipeline scenario section', () => {
  it('resolves defaults once: correlate id on both sides, drain 2 s, raw protocol, builtin on both sides', () => {
    const { pipeline } = scenarioFrom(BASE).config;
    expect(pipeline?.correlate).toEqual({ ingest: ['id'], push: ['id'] });
    expect(pipeline?.drainUs).toBe(2_000_000);
    expect(pipeline?.subscribers.websocket).toMatchObject({ target: 'builtin', protocol: 'raw', connections: 3, connectRatePerSec: 500, connectTimeoutUs: 10_000_000, reconnectUs: 200_000 });
    expect(pipeline?.ingest.load.durationUs).toBe(1_000_000);
  });

  it('parses the restart fault and dotted correlation paths', () => {
    const { pipeline } = scenarioFrom(`${BASE}  correlate: { ingest: data.object.id, push: event.id }\n  drain: 500ms\n  faults: { backendRestart: { at: 2s, for: 300ms } }\n`).config;
    expect(pipeline?.correlate).toEqual({ ingest: ['data', 'object', 'id'], push: ['event', 'id'] });
    expect(pipeline?.faults?.backendRestart).toEqual({ atUs: 2_000_000, forUs: 300_000 });
    expect(pipeline?.drainUs).toBe(500_000);
  });

  it('builtin on one side only is one located error', () => {
    const lines = problems(BASE.replace('{ connections: 3 }', '{ target: "ws://127.0.0.1:9/", connections: 3 }'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^inline\.yaml:\d+:\d+: pipeline\.subscribers\.websocket\.target: `target: builtin` goes on both sides/);
  });

  it('refuses a warm-up, faults for an outside backend, and socketio with match', () => {
    expect(problems(BASE.replace('duration: 1s }', 'duration: 1s, warmup: 1s }'))[0]).toMatch(/pipeline\.ingest\.load\.warmup: a pipeline has no warm-up/);
    const outside = `
name: p
pipeline:
  ingest: { target: "http://127.0.0.1:9/", load: { model: open, rate: 10, duration: 1s } }
  subscribers: { websocket: { target: "ws://127.0.0.1:9/", protocol: socketio, match: { a: 1 }, connections: 1 } }
  faults: { backendRestart: { at: 1s, for: 1s } }
`;
    const lines = problems(outside);
    expect(lines.some((line) => /pipeline\.faults: `faults` need `target: builtin`/.test(line))).toBe(true);
    expect(lines.some((line) => /pipeline\.subscribers\.websocket\.match: socketio pushes are matched by `event`/.test(line))).toBe(true);
  });

  it('a pipeline runs alone', () => {
    const lines = problems(`${BASE}webhook: { target: builtin, load: { model: open, rate: 1, duration: 1s } }\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/pipeline: a `pipeline` runs alone/);
  });
});
