import type { RunResult } from '../../src/result/run-result.js';

/**
 * True when a run was judged invalid for late sends and nothing else. Tests that start several
 * synchronized shards on this 2-core box (beside the test runner's other files) see that now and
 * then: the shards wait for a CPU at the same instants. Those tests prove exactness, not timing.
 */
export function invalidForLateSendsOnly(result: RunResult): boolean {
  return !result.validity.ok && result.validity.reasons.length > 0 && result.validity.reasons.every((reason) => reason.includes('after their intended time'));
}
