import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { youngGenerationFlag } from '../../../src/process/young-generation.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Allocates garbage with survivors (what makes V8 grow its new space) in a fresh process that
 * imported the young-generation module, and prints the new space's size in MB.
 */
function newSpaceMbAfterChurn(nodeOptions?: string): number {
  const script = `
    import '${resolve(ROOT, 'src/process/young-generation.ts')}';
    import { getHeapSpaceStatistics } from 'node:v8';
    const ring = new Array(50_000);
    for (let i = 0; i < 1_500_000; i++) ring[i % ring.length] = { seq: i, text: 'event ' + i, list: [i, i + 1] };
    console.log(getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576);
  `;
  const env = { ...process.env, NODE_OPTIONS: nodeOptions ?? '' };
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout.trim());
}

describe('a process that imports it keeps its young generation at its start-up size (issue 21: flat RSS)', () => {
  it('asks V8 not to grow the new space, unless the user sized it with node flags or NODE_OPTIONS', () => {
    expect(youngGenerationFlag([], undefined)).toBe('--semi-space-growth-factor=1');
    expect(youngGenerationFlag(['--enable-source-maps'], '--max-old-space-size=4096')).toBe('--semi-space-growth-factor=1');
    expect(youngGenerationFlag(['--max-semi-space-size=64'], undefined)).toBeUndefined();
    expect(youngGenerationFlag([], '--min_semi_space_size=16')).toBeUndefined();
  });

  it('V8 honours the flag set at run time: the new space stays at a few MB where it would grow to its maximum', () => {
    expect(newSpaceMbAfterChurn()).toBeLessThanOrEqual(4);
    // The same churn with the user's own sizing (which turns the flag off) grows it: the test can see growth.
    expect(newSpaceMbAfterChurn('--max-semi-space-size=16')).toBeGreaterThanOrEqual(16);
  });
});
