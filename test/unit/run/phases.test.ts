import { describe, expect, it } from 'vitest';
import { PHASES, phasesOf, plannedWindowUs } from '../../../src/run/phases.js';
import { scenarioFrom } from '../../helpers/scenarios.js';

const both = scenarioFrom(`
name: both
webhook:
  load: { model: open, rate: 100, duration: 3s }
websocket: { connections: 20, connectRate: 10, hold: 5s }
`).config;

describe('the phase registry', () => {
  it('has one entry per phase section, in run order', () => {
    expect(PHASES.map((phase) => phase.section)).toEqual(['webhook', 'websocket', 'sse', 'delivery', 'pipeline']);
  });

  it('picks the phases a scenario has, in run order', () => {
    expect(phasesOf(both).map((phase) => phase.section)).toEqual(['webhook', 'websocket']);
    const ws = scenarioFrom('name: w\nwebsocket: { connections: 3, hold: 1s }\n').config;
    expect(phasesOf(ws).map((phase) => phase.section)).toEqual(['websocket']);
  });

  it('plans the window of a run with several phases as the sum of theirs (they run one after another)', () => {
    // webhook 3 s + websocket ramp 20 / 10 per s = 2 s + hold 5 s
    expect(plannedWindowUs(both)).toBe(3_000_000 + 2_000_000 + 5_000_000);
    const delivery = scenarioFrom('name: d\ndelivery:\n  subscribers: 2\n  transports: [webhook]\n  events: { rate: 10, duration: 4s }\n').config;
    expect(plannedWindowUs(delivery)).toBe(4_000_000);
  });

  it('lets only a phase kind that cannot wait for a common start say so', () => {
    expect(PHASES.filter((phase) => phase.noCommonStartReason).map((phase) => phase.section)).toEqual(['delivery']);
  });
});
