import { describe, expect, it } from 'vitest';
import { bindTemplate, seededRandom } from '../../../src/template/render.js';
import { parseTemplate, TemplateError } from '../../../src/template/template.js';
import { redactKnownSecrets, rememberSecret } from '../../../src/template/secrets.js';

const VARIABLES = ['id', 'seq', 'timestamp'];

function render(source: string, values: Record<string, string | number>, seed = 1, index = 0, row?: Record<string, unknown>): string {
  const template = parseTemplate(source, { variables: VARIABLES, rows: true, env: { TOKEN: 'tok-123' } });
  return bindTemplate(template)({ values, row, random: seededRandom(seed, 0, index) });
}

function errorOf(source: string, rows = false): TemplateError {
  try {
    parseTemplate(source, { variables: VARIABLES, rows, env: {} });
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to be rejected`);
}

describe('template language', () => {
  it('substitutes variables, with or without spaces inside the braces', () => {
    expect(render('{"id":"{{id}}","seq":{{ seq }}}', { id: 'evt_1', seq: 7 })).toBe('{"id":"evt_1","seq":7}');
  });

  it('reads env variables once, at parse time', () => {
    const template = parseTemplate('Bearer {{env.TOKEN}}', { variables: [], env: { TOKEN: 'abc' } });
    expect(template.parts).toEqual([
      { kind: 'text', text: 'Bearer ' },
      { kind: 'env', name: 'TOKEN', value: 'abc' },
    ]);
    expect(bindTemplate(template)({ values: {}, random: Math.random })).toBe('Bearer abc');
  });

  it('seeded helpers reproduce with the same seed and index, and differ across indexes', () => {
    const source = '{{randInt 1 6}} {{randString 12}} {{uuid}}';
    const a = render(source, {}, 42, 3);
    expect(render(source, {}, 42, 3)).toBe(a);
    expect(render(source, {}, 42, 4)).not.toBe(a);
    const [dice, text, uuid] = a.split(' ');
    expect(Number(dice)).toBeGreaterThanOrEqual(1);
    expect(Number(dice)).toBeLessThanOrEqual(6);
    expect(text).toMatch(/^[a-z0-9]{12}$/);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('randInt covers both ends of its inclusive range', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 200; index++) seen.add(render('{{randInt 0 2}}', {}, 1, index));
    expect([...seen].sort()).toEqual(['0', '1', '2']);
  });

  it('row fields render strings as they are and other values as JSON', () => {
    expect(render('{{row.name}}|{{row.items}}|{{row.deep.n}}', {}, 1, 0, { name: 'a"b', items: [1, 2], deep: { n: 3 } })).toBe('a"b|[1,2]|3');
  });

  it('rejects unknown variables and helpers, bad arguments, unset env and unclosed tags, with the offset', () => {
    expect(errorOf('ab{{nope}}').message).toMatch(/unknown variable or helper \{\{nope\}\} \(known here: id, seq, timestamp, uuid/);
    expect(errorOf('ab{{nope}}').offset).toBe(2);
    expect(errorOf('{{randInt 5 1}}').message).toMatch(/randInt A B/);
    expect(errorOf('{{randString 0}}').message).toMatch(/randString N/);
    expect(errorOf('{{env.MISSING_VAR}}').message).toBe('environment variable MISSING_VAR is not set');
    expect(errorOf('{{row.x}}').message).toMatch(/no feed rows/);
    expect(errorOf('x {{id').message).toMatch(/never closed/);
    expect(errorOf('{{seq 1}}').message).toMatch(/takes no arguments/);
  });

  it('remembered secrets are redacted from text, also in their JSON-escaped form', () => {
    rememberSecret('s3cr"et-value');
    expect(redactKnownSecrets('a s3cr"et-value b')).toBe('a <redacted> b');
    expect(redactKnownSecrets(JSON.stringify({ v: 's3cr"et-value' }))).toBe('{"v":"<redacted>"}');
  });
});
