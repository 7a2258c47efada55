import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadScenario, parseScenarioBytes, resolveScenarioPath } from '../../../src/scenario/load-scenario.js';

function problems(text: string): string[] {
  try {
    parseScenarioBytes(Buffer.from(text), 'ws.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('websocket scenario section', () => {
  it('accepts the shipped websocket scenarios as written and fills defaults', async () => {
    const big = await loadScenario(resolveScenarioPath('ws-connections'));
    expect(big.config.websocket).toEqual({
      target: 'builtin',
      connections: 100_000,
      connectRatePerSec: 5_000,
      connectTimeoutUs: 10_000_000,
      holdUs: 60_000_000,
      echo: { ratePerConnection: 1, sizeBytes: 128 },
      broadcast: { kind: 'builtin', everyUs: 1_000_000, sizeBytes: 200 },
      protocol: 'raw',
      connect: { headers: {}, query: {}, subprotocols: [] },
      onOpen: [],
    });
    const small = await loadScenario(resolveScenarioPath('ws-small'));
    expect(small.config.websocket?.connections).toBe(300);
    expect(parseScenarioBytes(Buffer.from('name: x\nwebsocket: { connections: 10, hold: 1s }\n'), 'x.yaml').config.websocket?.echo).toBeUndefined();
  });

  it('reports every problem at its line and column', () => {
    const lines = problems(`name: ws
websocket:
  target: http://127.0.0.1:1/
  connections: 0
  hold: 60
  echo: { rate: 1, sizeBytes: 8 }
  broadcast: { every: 1s }
  extra: true
`);
    expect(lines).toEqual([
      'ws.yaml:3:11: websocket.target: expected "builtin" or a ws:// or wss:// URL',
      'ws.yaml:4:16: websocket.connections: Too small: expected number to be >=1',
      'ws.yaml:5:9: websocket.hold: expected a duration with units, like "500ms", "20s" or "1m30s"',
      'ws.yaml:6:31: websocket.echo.sizeBytes: Too small: expected number to be >=16',
      'ws.yaml:8:3: websocket.extra: unknown key (check the spelling; see scenarios/schema.json)',
    ]);
  });

  it('broadcast needs the built-in server; a scenario needs a webhook or websocket section', () => {
    expect(problems('name: ws\nwebsocket: { target: "ws://127.0.0.1:9/", connections: 1, hold: 1s, broadcast: { every: 1s } }\n')).toEqual([
      'ws.yaml:2:80: websocket.broadcast: `broadcast: { every, sizeBytes }` needs `target: builtin`; against your server use `trigger`, `match` or `event`, and `id`',
    ]);
    expect(problems('name: nothing\n')[0]).toMatch(/a scenario needs a `webhook`.* `websocket`/);
  });
});
