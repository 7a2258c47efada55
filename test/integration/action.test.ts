import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

/** The parts of action.yml the runner reads. */
interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface ActionFile {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionFile;

interface ActionRun {
  exitCode: number;
  summary: string;
  /** Every step's outputs, by step id. */
  outputs: Record<string, Record<string, string>>;
  skippedUses: ActionStep[];
  log: string;
}

/**
 * Runs the composite action's `run:` steps the way the GitHub runner does: `${{ inputs.x }}`,
 * `${{ github.action_path }}` and `${{ steps.<id>.outputs.<name> }}` substituted, INPUT_<NAME> set,
 * `bash --noprofile --norc -eo pipefail` per step in its working directory, GITHUB_OUTPUT read back
 * after each step, `if:` conditions honoured (a failed step skips later steps without `!cancelled()`).
 * `uses:` steps are not run; they are returned so the test can check them.
 */
function runAction(actionPath: string, workspace: string, given: Record<string, string>): ActionRun {
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = given[name] ?? input.default ?? '';
  const summaryPath = join(workspace, `summary-${Date.now()}.md`);
  const outputs: Record<string, Record<string, string>> = {};
  const skippedUses: ActionStep[] = [];
  let failed = false;
  let exitCode = 0;
  let log = '';
  const expand = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
      if (expression === 'github.action_path') return actionPath;
      const input = /^inputs\.([\w-]+)$/.exec(expression);
      if (input) return inputs[input[1]!] ?? '';
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
      if (output) return outputs[output[1]!]?.[output[2]!] ?? '';
      throw new Error(`action.yml: expression the test runner does not know: ${expression}`);
    });
  const condition = (step: ActionStep): boolean => {
    if (step.if === undefined) return !failed;
    const terms = step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, '').split('&&').map((term) => term.trim());
    return terms.every((term) => {
      if (term === '!cancelled()') return true;
      const compared = /^inputs\.([\w-]+) != ''$/.exec(term);
      if (compared) return (inputs[compared[1]!] ?? '') !== '';
      throw new Error(`action.yml: condition the test runner does not know: ${term}`);
    });
  };
  for (const [index, step] of action.runs.steps.entries()) {
    if (step.uses !== undefined) {
      skippedUses.push(step);
      continue;
    }
    if (!condition(step)) continue;
    const outputFile = join(workspace, `output-${index}`);
    const script = join(workspace, `step-${index}.sh`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: actionPath,
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(String(value))])),
    };
    const cwd = resolve(workspace, expand(step['working-directory'] ?? '.'));
    const scriptText = expand(step.run ?? '');
    spawnSync('bash', ['-c', `cat > ${JSON.stringify(script)}`], { input: scriptText });
    expect(step.shell, `step ${step.name} names its shell`).toBe('bash');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: 120_000 });
    log += `--- ${step.name}\n${result.stdout}${result.stderr}`;
    outputs[step.id ?? `step-${index}`] = existsSync(outputFile) ? parseOutputs(spawnSync('cat', [outputFile], { encoding: 'utf8' }).stdout) : {};
    exitCode = result.status ?? 1;
    if (exitCode !== 0) failed = true;
  }
  const summary = existsSync(summaryPath) ? spawnSync('cat', [summaryPath], { encoding: 'utf8' }).stdout : '';
  return { exitCode, summary, outputs, skippedUses, log };
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

const TINY_SCENARIO = (p99Limit: string): string => `name: action-tiny
webhook:
  target: builtin
  payload: { sizeBytes: 256 }
  load: { model: closed, connections: 4, duration: 1s }
thresholds:
  webhook.latency: ["p99 < ${p99Limit}"]
  webhook.ok: ["count > 10"]
`;

describe('action.yml, run the way the GitHub runner runs a composite action', () => {
  let dir: string;
  let actionPath: string;
  let workspace: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-action-'));
    // The action's own checkout: built pushbench with its dependencies and scenarios (the repo's dist is left alone).
    actionPath = join(dir, 'action');
    await mkdir(actionPath);
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(actionPath, 'dist')], {
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    await symlink(join(ROOT, 'node_modules'), join(actionPath, 'node_modules'));
    await symlink(join(ROOT, 'scenarios'), join(actionPath, 'scenarios'));
    await copyFile(join(ROOT, 'package.json'), join(actionPath, 'package.json'));
    workspace = join(dir, 'workspace');
    await mkdir(join(workspace, 'bench'), { recursive: true });
    await writeFile(join(workspace, 'bench', 'pass.yaml'), TINY_SCENARIO('5s'));
    await writeFile(join(workspace, 'bench', 'fail.yaml'), TINY_SCENARIO('1us'));
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('declares the contract inputs and the uses: steps the runner runs (setup-node, upload-artifact)', () => {
    expect(Object.keys(action.inputs)).toEqual(['scenario', 'baseline', 'repeat', 'max-regression', 'target', 'working-directory']);
    expect(action.inputs.scenario?.required).toBe(true);
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses).toEqual(['actions/setup-node@v4', 'actions/upload-artifact@v4']);
  });

  it('runs, writes the job summary, leaves report.html and result.json where the upload step looks, exits 0', () => {
    const run = runAction(actionPath, workspace, { scenario: 'pass.yaml', repeat: '1', 'working-directory': 'bench' });
    expect(run.exitCode, run.log).toBe(0);
    const runDir = run.outputs.run?.dir ?? '';
    expect(runDir).toBe(join(workspace, 'bench', 'pushbench-out'));
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(existsSync(join(runDir, 'result.json'))).toBe(true);
    const upload = run.skippedUses.find((step) => step.uses === 'actions/upload-artifact@v4');
    const paths = String(upload?.with?.path ?? '')
      .split('\n')
      .map((line) => line.trim().replace('${{ steps.run.outputs.dir }}', runDir))
      .filter((line) => line.endsWith('.html') || line.endsWith('.json'));
    expect(paths).toEqual([join(runDir, 'report.html'), join(runDir, 'result.json')]);
    for (const path of paths) expect(existsSync(path), path).toBe(true);
    expect(run.summary).toContain('webhook.latency');
    expect(run.summary).toContain('pushbench-report');
    expect(run.outputs.compare).toBeUndefined(); // no baseline, no comparison
    expect(run.outputs.verdict?.['exit-code']).toBe('0');
  }, 120_000);

  it("compares with the baseline and exits with pushbench's code: a failed threshold is 1", async () => {
    const baseline = join(workspace, 'baseline.json');
    await copyFile(join(workspace, 'bench', 'pushbench-out', 'result.json'), baseline);
    const run = runAction(actionPath, workspace, { scenario: 'fail.yaml', repeat: '1', baseline: '../baseline.json', 'max-regression': 'p99=off,p999=off', 'working-directory': 'bench' });
    expect(run.exitCode, run.log).toBe(1);
    expect(run.outputs.run?.['exit-code']).toBe('1');
    expect(run.outputs.compare?.['exit-code']).toMatch(/^[01]$/);
    expect(existsSync(join(workspace, 'bench', 'pushbench-out', 'compare.md'))).toBe(true);
    expect(run.summary).toMatch(/p99 < 1us/);
  }, 120_000);

  it('a scenario that does not exist is bad input: exit 2', () => {
    const run = runAction(actionPath, workspace, { scenario: 'missing.yaml', repeat: '1' });
    expect(run.exitCode, run.log).toBe(2);
  }, 60_000);
});
