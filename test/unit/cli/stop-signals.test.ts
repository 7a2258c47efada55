import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleStopSignals } from '../../../src/cli/stop-signals.js';
import { reportChildStopSignal } from '../../../src/process/stop-signals.js';

describe('SIGINT and SIGTERM end a run the same way', () => {
  afterEach(() => vi.restoreAllMocks());

  function setUp(): { controller: AbortController; signals: EventEmitter; quits: number[]; remove: () => void; stderr: string[] } {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const controller = new AbortController();
    const signals = new EventEmitter();
    const quits: number[] = [];
    const remove = handleStopSignals(controller, signals, (status) => quits.push(status));
    return { controller, signals, quits, remove, stderr };
  }

  for (const [first, second, status] of [
    ['SIGTERM', 'SIGTERM', 143],
    ['SIGINT', 'SIGINT', 130],
    ['SIGINT', 'SIGTERM', 143],
    ['SIGTERM', 'SIGINT', 130],
  ] as const) {
    it(`${first} aborts the run; a following ${second} quits at once with ${status}`, () => {
      const { controller, signals, quits, remove, stderr } = setUp();
      signals.emit(first);
      expect(controller.signal.aborted).toBe(true);
      expect(quits).toEqual([]);
      expect(stderr.join('')).toContain(`stopping (${first})`);
      signals.emit(second);
      expect(quits).toEqual([status]);
      remove();
    });
  }

  it('a signal that reached a child aborts, but the parent\'s own signal after it is still the first', () => {
    const { controller, signals, quits, remove, stderr } = setUp();
    reportChildStopSignal('ws-client-0', 'SIGTERM');
    expect(controller.signal.aborted).toBe(true);
    expect(stderr.join('')).toContain('stopping (SIGTERM reached ws-client-0)');
    signals.emit('SIGTERM');
    expect(quits).toEqual([]);
    signals.emit('SIGTERM');
    expect(quits).toEqual([143]);
    remove();
  });

  it('once removed, neither its own signals nor a child\'s reach the run', () => {
    const { controller, signals, remove } = setUp();
    remove();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    reportChildStopSignal('receiver', 'SIGINT');
    expect(controller.signal.aborted).toBe(false);
  });
});
