import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';

const BASE = 'name: d\ndelivery:\n  events: { rate: 10, duration: 5s }\n  subscribers: 2\n';

function problems(text: string): string[] {
  try {
    parseScenarioBytes(Buffer.from(text), 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('delivery scenario: the sse, polling and long-polling transports', () => {
  it('defaults: all six transports, a 10,000-event SSE history, 1 s polls, 25 s long polls (resolved once into µs)', () => {
    const delivery = parseScenarioBytes(Buffer.from(BASE), 'd.yaml').config.delivery!;
    expect(delivery.transports).toEqual(['webhook', 'websocket', 'websocket-ack', 'sse', 'polling', 'long-polling']);
    expect(delivery.sse).toEqual({ history: 10_000 });
    expect(delivery.polling).toEqual({ intervalUs: 1_000_000 });
    expect(delivery.longPolling).toEqual({ waitUs: 25_000_000 });
  });

  it('reads the fields as given', () => {
    const text = `${BASE}  transports: [long-polling, sse]\n  sse: { history: 0 }\n  polling: { interval: 250ms }\n  longPolling: { wait: 2s }\n`;
    const delivery = parseScenarioBytes(Buffer.from(text), 'd.yaml').config.delivery!;
    expect(delivery).toMatchObject({ transports: ['long-polling', 'sse'], sse: { history: 0 }, polling: { intervalUs: 250_000 }, longPolling: { waitUs: 2_000_000 } });
  });

  it('names the file, line and field of a bad value', () => {
    expect(problems(`${BASE}  polling: { interval: 0s }\n`)).toEqual(['bad.yaml:5:24: delivery.polling.interval: must be at least 1ms']);
    expect(problems(`${BASE}  sse: { history: -1 }\n`)).toEqual(['bad.yaml:5:19: delivery.sse.history: Too small: expected number to be >=0']);
    expect(problems(`${BASE}  longPolling: { hold: 2s }\n`)).toEqual(['bad.yaml:5:18: delivery.longPolling.hold: unknown key (check the spelling; see scenarios/schema.json)']);
    expect(problems(`${BASE}  transports: [sse, carrier-pigeon]\n`)).toEqual([
      'bad.yaml:5:21: delivery.transports.1: Invalid option: expected one of "webhook"|"websocket"|"websocket-ack"|"sse"|"polling"|"long-polling"',
    ]);
  });
});
