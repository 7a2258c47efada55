import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../../src/scenario/write-json-schema.js';

describe('scenarios/schema.json', () => {
  it('is the schema generated from the zod definition (run `npm run schema` after changing it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../scenarios/schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
