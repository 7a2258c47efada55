import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { compareResults } from '../../../src/gate/compare-results.js';
import { renderReport } from '../../../src/report/html/render-report.js';
import { publishReports } from '../../../src/report/publish/publish.js';
import { mergeShardResults } from '../../../src/result/merge-results.js';
import { parseResult } from '../../../src/result/read-result.js';
import type { RunResult } from '../../../src/result/run-result.js';
import { ROOT } from '../../helpers/cli.js';

const SEED = 21;
const TIME_LIMIT_MS = 3_000;
const FIXTURES = ['webhook-burst', 'webhook-vs-websocket', 'ws-small'].map((name) => readFileSync(join(ROOT, 'test/fixtures/results', name, 'result.json'), 'utf8'));
const ORIGINALS = FIXTURES.map((text, index) => parseResult(text, `fixture-${index}`));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((item, index) => (into.push([...prefix, index]), pathsOf(item, [...prefix, index], into)));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) into.push([...prefix, key]), pathsOf(item, [...prefix, key], into);
  return into;
}

function edit(root: Json, path: (string | number)[], replace: Json | undefined): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (replace === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replace;
  return copy;
}

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -0.5, 2 ** 53 + 1, '', 'HISTFAAAAB'.padEnd(40, 'x'), '<\/script><b>x</b>', '\u2028', [], {}, [1, 2], { unit: 'us' }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
);

/** A fixture result.json truncated, or with one value replaced or removed anywhere in it. */
const damaged = fc.oneof(
  fc.tuple(fc.nat({ max: FIXTURES.length - 1 }), fc.nat()).map(([fixture, at]) => FIXTURES[fixture]!.slice(0, at % FIXTURES[fixture]!.length)),
  fc.tuple(fc.nat({ max: FIXTURES.length - 1 }), fc.nat(), fc.option(weird, { nil: undefined, freq: 4 })).map(([fixture, at, replace]) => {
    const root = JSON.parse(FIXTURES[fixture]!) as Json;
    const paths = pathsOf(root);
    return JSON.stringify(edit(root, paths[at % paths.length]!, replace));
  }),
);

/** The one-line refusal naming the file, or the result. Anything else (another error, several lines) fails the property. */
function read(text: string): RunResult | undefined {
  try {
    return parseResult(text, 'fuzz.json');
  } catch (error) {
    if (!(error instanceof InputError)) throw new Error(`not an InputError: ${(error as Error).stack}`);
    expect(error.lines).toHaveLength(1);
    expect(error.lines[0]).toMatch(/^fuzz\.json(:\d+:\d+)?: \S/);
    return undefined;
  }
}

/** Either it works or it is refused as bad input: no TypeError, RangeError, or crash. */
function refusedOrDone<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof InputError)) throw new Error(`not an InputError: ${(error as Error).stack}`);
    return undefined;
  }
}

function expectWholePage(html: string): void {
  expect(html.length).toBeGreaterThan(10_000);
  expect(html).toContain('id="pushbench-data"');
  expect(html.trimEnd().endsWith('</html>')).toBe(true);
}

describe('fuzzed result.json files: refused in one line naming the file, or rendered whole', () => {
  it('report, compare and merge read a truncated or damaged result', () => {
    let readable = 0;
    fc.assert(
      fc.property(damaged, fc.nat({ max: ORIGINALS.length - 1 }), (text, other) => {
        const result = read(text);
        if (!result) return;
        readable++;
        expectWholePage(renderReport([result], { generatedAt: new Date(0) }));
        expectWholePage(renderReport([ORIGINALS[other]!, result], { generatedAt: new Date(0) }));
        refusedOrDone(() => compareResults(ORIGINALS[other]!, result));
        refusedOrDone(() => compareResults(result, ORIGINALS[other]!));
        refusedOrDone(() => mergeShardResults([{ file: 'fuzz.json', result }]));
      }),
      { seed: SEED, numRuns: 1_000, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    expect(readable).toBeGreaterThan(0);
  });

  it('publish skips unreadable results and renders the readable ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-fuzz-publish-'));
    try {
      // Two intact results beside the damaged ones: publish renders those and skips what it cannot read.
      const texts = [...fc.sample(damaged, { seed: SEED, numRuns: 16 }), FIXTURES[0]!, FIXTURES[2]!];
      const readable = texts.filter((text) => read(text) !== undefined).length;
      texts.forEach((text, index) => {
        mkdirSync(join(dir, 'runs', `run-${index}`), { recursive: true });
        writeFileSync(join(dir, 'runs', `run-${index}`, 'result.json'), text);
      });
      const outcome = await publishReports(join(dir, 'runs'), join(dir, 'site'));
      const index = readFileSync(outcome.indexPath, 'utf8');
      expect(index.trimEnd().endsWith('</html>')).toBe(true);
      expect(readable).toBeGreaterThanOrEqual(2);
      const rendered = (readdirSync(join(dir, 'site'), { recursive: true }) as string[]).filter((file) => file.endsWith('result.report.html'));
      expect(rendered).toHaveLength(readable);
      for (const file of rendered) expectWholePage(readFileSync(join(dir, 'site', file), 'utf8'));
      expect(outcome.trends.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
