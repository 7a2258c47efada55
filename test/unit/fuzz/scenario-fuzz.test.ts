import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { BodySource } from '../../../src/load/webhook/body-source.js';
import { parseEndpoint } from '../../../src/load/webhook/endpoint.js';
import { RequestBuilder } from '../../../src/load/webhook/request-builder.js';
import { parseScenarioBytes, type LoadedScenario } from '../../../src/scenario/load-scenario.js';
import { ROOT } from '../../helpers/cli.js';
import { SIGNING_PER_SCHEME } from '../../helpers/scenarios.js';

// Seeded and bounded: the same documents every run, a time limit per property.
const SEED = 21;
const TIME_LIMIT_MS = 3_000;
const FILE = 'fuzz.yaml';
const LOCATED = /^fuzz\.(yaml|json):\d+:\d+: \S/;

const EXAMPLES = readdirSync(join(ROOT, 'scenarios'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => readFileSync(join(ROOT, 'scenarios', name), 'utf8'));

/** Loads a document as validate does: a scenario, or InputError lines that each name file:line:col. Anything else fails the property. */
let accepted = 0;
function validate(text: string, file = FILE): LoadedScenario | undefined {
  try {
    const scenario = parseScenarioBytes(Buffer.from(text), file);
    accepted++;
    return scenario;
  } catch (error) {
    if (!(error instanceof InputError)) throw new Error(`not an InputError: ${(error as Error).stack}\n--- document ---\n${text.slice(0, 2_000)}`);
    for (const line of error.lines) {
      if (!LOCATED.test(line)) throw new Error(`a line without file:line:col: ${line}`);
      if (/\n|^\s+at /.test(line)) throw new Error(`a stack trace or several lines in one: ${line}`);
    }
    return undefined;
  }
}

/** Every request an accepted webhook scenario would send renders without throwing (templates, signing, bodies). */
function renderRequests(scenario: LoadedScenario): void {
  const webhook = scenario.config.webhook;
  if (!webhook) return;
  const endpoint = parseEndpoint('http://127.0.0.1:9/hook');
  const builder = new RequestBuilder({ method: webhook.method, endpoint, headers: webhook.headers, signing: webhook.signing, bodies: new BodySource(webhook.payload, 1), seed: 1 });
  for (let seq = 0; seq < 5; seq++) expect(typeof builder.build(seq, seq * 1_000)).toBe('string');
}

const weirdValue = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '0s', '-5s', '1ms', '99999h', '1e3', 'builtin', 'ws://127.0.0.1:1/', 'http://[::1', '{{', '{{seq}}', '{{env.HOME}}', '{{randInt 5 1}}', '{{nope}}', 'null', '~', '*a', '&a x', '!!binary', 'é☃\u0000', 'p(99) < 1ms\nrate > 1', 'a\r\nb'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/** The right kind of value nine times in ten, anything else the tenth. */
function mostly<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: weirdValue });
}

/** Schema-shaped documents: the real sections and keys, each value right nine times in ten. */
const shaped = fc.record(
  {
    name: mostly(fc.constant('fuzz')),
    seed: mostly(fc.integer({ min: 0, max: 100 })),
    webhook: fc.record(
      {
        target: mostly(fc.constantFrom('builtin', 'http://127.0.0.1:9/hook')),
        method: mostly(fc.constantFrom('POST', 'PUT', 'PATCH')),
        timeout: mostly(fc.constantFrom('1s', '500ms')),
        headers: mostly(fc.dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom('X-A', 'X-B') }, { weight: 1, arbitrary: fc.constantFrom('Bad Header', '', 'X-\r\nY') }), mostly(fc.constantFrom('v', '{{seq}}', '{{uuid}}', '{{env.PUSHBENCH_FUZZ_UNSET}}', '{{')), { maxKeys: 3 })),
        payload: mostly(
          fc.record({ sizeBytes: mostly(fc.integer({ min: 128, max: 1_048_576 })), template: mostly(fc.constantFrom('{"id":"{{id}}","n":{{randInt 1 6}}}', '{{randString 40}}', '{{isoTime}}', '{{row.x}}', 'plain')) }, { requiredKeys: [] }),
        ),
        signing: mostly(fc.constantFrom(...SIGNING_PER_SCHEME).map((flow) => parseYaml(flow) as unknown)),
        load: mostly(
          fc.record(
            {
              model: mostly(fc.constant('open')),
              rate: mostly(fc.integer({ min: 1, max: 1000 })),
              duration: mostly(fc.constantFrom('1s', '2m')),
              pattern: mostly(fc.constantFrom('constant', 'sine', 'burst')),
              connections: mostly(fc.integer({ min: 1, max: 15_000 })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['target', 'load'] },
    ),
    websocket: fc.record(
      {
        target: mostly(fc.constant('builtin')),
        protocol: mostly(fc.constant('raw')),
        connections: mostly(fc.integer({ min: 1, max: 1_000_000 })),
        hold: mostly(fc.constant('1s')),
        echo: mostly(fc.record({ rate: mostly(fc.integer({ min: 1, max: 100 })) })),
      },
      { requiredKeys: ['connections', 'hold'] },
    ),
    thresholds: mostly(fc.dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom('webhook.latency', 'webhook.errors') }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), fc.array(mostly(fc.constantFrom('p(99) < 200ms', 'rate < 0.01')), { minLength: 1, maxLength: 2 }), { maxKeys: 2 })),
  },
  { requiredKeys: ['name', 'webhook'] },
);

/** A real scenario with bytes cut, inserted or replaced: what a person's editor leaves behind. */
const mutatedText = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 12, unit: 'binary' })), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => edits.reduce((doc, [at, cut, insert]) => {
    const position = doc.length === 0 ? 0 : at % doc.length;
    return doc.slice(0, position) + insert + doc.slice(position + cut);
  }, text));

describe('fuzzed scenario documents: validate accepts them or names file:line:col, nothing else', () => {
  it('schema-shaped documents, as YAML and as JSON; accepted webhook scenarios render every request', () => {
    accepted = 0;
    fc.assert(
      fc.property(shaped, (document) => {
        const asJson = JSON.stringify(document);
        for (const [text, file] of [[asJson, 'fuzz.json'], [`# fuzz\n${asJson.replace(/^\{/, '{ ')}`, FILE]] as const) {
          const scenario = validate(text, file);
          if (scenario) renderRequests(scenario);
        }
      }),
      { seed: SEED, numRuns: 2_000, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    expect(accepted).toBeGreaterThan(0); // the accepted side of the property was exercised
  });

  it('mutated real scenarios (cut, inserted and replaced bytes), as YAML and re-serialized as JSON', () => {
    accepted = 0;
    fc.assert(
      fc.property(mutatedText, (text) => {
        const scenario = validate(text);
        if (scenario) renderRequests(scenario);
        let parsed: unknown;
        try {
          parsed = parseYaml(text);
        } catch {
          return;
        }
        if (parsed !== undefined) validate(JSON.stringify(parsed) ?? 'null', 'fuzz.json');
      }),
      { seed: SEED, numRuns: 2_000, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    expect(accepted).toBeGreaterThan(0); // the accepted side of the property was exercised
  });
});
