import { burstPattern } from './burst.js';
import { constantPattern } from './constant.js';
import type { LoadPattern } from './pattern.js';
import { rampPattern } from './ramp.js';
import { sinePattern } from './sine.js';
import { stagesPattern } from './stages.js';

/** Every open-model load pattern by its scenario name (`load.pattern`). */
export const LOAD_PATTERNS: readonly LoadPattern[] = [constantPattern, rampPattern, burstPattern, stagesPattern, sinePattern];

export const PATTERN_NAMES = LOAD_PATTERNS.map((pattern) => pattern.name) as [string, ...string[]];

export function loadPattern(name: string): LoadPattern {
  const pattern = LOAD_PATTERNS.find((candidate) => candidate.name === name);
  if (!pattern) throw new Error(`no load pattern named "${name}"`);
  return pattern;
}
