import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * The rooms of src/, highest first. A module may import its own room and any room of a lower
 * rank, never one of its own rank or higher: arrows only run down.
 * - cli is argv -> API; index is the public API over everything.
 * - report renders results (its text summary asks the phase registry in run/ for each kind's lines).
 * - run runs: the phase registry, the phases, trials; it uses gate's pure folding of trials.
 * - gate judges saved results; delivery and targets build on load; outputs (Prometheus remote
 *   write) are fed by the run's recorder; none of them knows the others. The live dashboard page
 *   is presenting, so it lives in report/ (report/dashboard) and the CLI hands it to the run.
 * - load is the generators; result and scenario their inputs and outputs; below them the
 *   leaf rooms; errors and exit codes under everything.
 */
const RANKS: Record<string, number> = {
  cli: 10,
  index: 9,
  report: 8,
  run: 7,
  gate: 6,
  delivery: 6,
  targets: 6,
  outputs: 6,
  pipeline: 6.5,
  load: 5,
  result: 4,
  scenario: 4,
  schedule: 3,
  metrics: 2,
  template: 1,
  process: 2,
  errors: 1,
  'exit-codes': 1,
  types: 1,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function roomOf(file: string): string {
  const first = relative(SRC, file).split('/')[0]!;
  return first.replace(/\.ts$/, '');
}

/** Relative specifiers of every static import/export-from and dynamic import() of a module. */
function importsOf(text: string): string[] {
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s*['"](\.[^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

const files = sourceFiles(SRC);

describe('the import graph of src/', () => {
  it('knows every room', () => {
    const rooms = new Set(files.map(roomOf));
    expect([...rooms].filter((room) => RANKS[room] === undefined)).toEqual([]);
  });

  it('reads imports (the parser finds arrows it must find)', () => {
    const runScenario = readFileSync(join(SRC, 'run/run-scenario.ts'), 'utf8');
    expect(importsOf(runScenario)).toContain('../metrics/recorder.js');
    expect(importsOf(runScenario)).toContain('./phases.js');
    const index = readFileSync(join(SRC, 'index.ts'), 'utf8');
    expect(importsOf(index).length).toBeGreaterThan(10);
  });

  it('has no arrow from a lower room to a higher one, nor between rooms of one rank', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = roomOf(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const to = roomOf(resolve(dirname(file), specifier));
        if (to !== from && RANKS[to]! >= RANKS[from]!) upward.push(`${relative(SRC, file)} -> ${specifier} (${from} ${RANKS[from]} -> ${to} ${RANKS[to]})`);
      }
    }
    expect(upward).toEqual([]);
  });
});
