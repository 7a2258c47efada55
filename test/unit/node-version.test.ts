import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const engines = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];

describe('the Node.js the tests run under', () => {
  it('is one package.json supports: 20.19+, 22.12+ (require(esm), which yargs 18 needs) or 24+', () => {
    expect(engines).toBe('^20.19.0 || ^22.12.0 || >=24.0.0');
    const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
    expect(supported, `Node ${process.versions.node}`).toBe(true);
  });

  // .ci/run sets PUSHBENCH_EXPECT_NODE_MAJOR in its Node 22 and 24 legs: a leg that ran on another Node fails here.
  it.runIf(process.env.PUSHBENCH_EXPECT_NODE_MAJOR !== undefined)('is the Node of the CI matrix leg (PUSHBENCH_EXPECT_NODE_MAJOR)', () => {
    expect(String(major)).toBe(process.env.PUSHBENCH_EXPECT_NODE_MAJOR);
  });
});
