import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** The JSON Schema editors use to autocomplete scenario files, derived from the zod definition. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'pushbench scenario',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = resolve(import.meta.dirname, '../../scenarios/schema.json');
  writeFileSync(target, JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
  console.log(`wrote ${target}`);
}
