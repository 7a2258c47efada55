import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult } from '../../src/result/read-result.js';
import { pushbench } from '../helpers/cli.js';
import { expandArgs, jobContainer, renderedManifests } from '../helpers/kubernetes.js';

const SHARDS = 3;
/** submit.sh's lead: long enough for 3 tsx processes to start on 2 busy cores. */
const LEAD_SECONDS = 15;

/**
 * The Indexed Job on one machine: the manifests as submit.sh renders them, each pod a local
 * process with JOB_COMPLETION_INDEX set and its args expanded as the kubelet does, one shared
 * directory standing in for the ReadWriteMany volume; then the merge Job's command over it.
 */
describe('the Kubernetes Indexed Job, simulated', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushbench-job-'));
    await writeFile(join(dir, 'scenario.yaml'), 'name: job-sim\nseed: 3\nwebhook:\n  load: { model: open, rate: 300, duration: 1s }\nthresholds:\n  webhook.errors: ["count == 0"]\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A pod's view of the file system mapped onto the test's directory. */
  const local = (args: string[]): string[] => args.map((arg) => arg.replace('/scenario/scenario.yaml', join(dir, 'scenario.yaml')).replace(/^\/results/, join(dir, 'results')));

  it('runs N shards with JOB_COMPLETION_INDEX into one volume, and the merge Job merges and judges them', async () => {
    const manifests = renderedManifests(SHARDS, LEAD_SECONDS, 'sim');
    const shardsJob = manifests.find((object) => object.metadata.name === 'pushbench-shards')!;
    const mergeJob = manifests.find((object) => object.metadata.name === 'pushbench-merge')!;
    const shardContainer = jobContainer(shardsJob);
    const env = Object.fromEntries(shardContainer.env.map(({ name, value }) => [name, value]));
    const pods = await Promise.all(
      Array.from({ length: SHARDS }, (_unused, index) => {
        const podEnv = { ...env, JOB_COMPLETION_INDEX: String(index) };
        return pushbench(local(expandArgs(shardContainer.args, podEnv)), { env: podEnv });
      }),
    );
    for (const [index, pod] of pods.entries()) {
      const shardPath = join(dir, 'results', 'sim', `shard-${index}`, 'result.json');
      expect(existsSync(shardPath)).toBe(true);
      expect(pod.code, pod.stderr + pod.stdout).toBe(0);
    }

    const mergeContainer = jobContainer(mergeJob);
    const mergeEnv = Object.fromEntries(mergeContainer.env.map(({ name, value }) => [name, value]));
    const merge = await pushbench(local(expandArgs(mergeContainer.args, mergeEnv)));
    const mergedPath = join(dir, 'results', 'sim', 'merged', 'result.json');
    const merged = parseResult(await readFile(mergedPath, 'utf8'), mergedPath);
    expect(merge.code, merge.stderr + merge.stdout).toBe(0);
    expect(merged.merged).toMatchObject({ count: SHARDS, missing: [] });
    expect(merged.merged!.shards.map((shard) => shard.index)).toEqual([0, 1, 2]);
    expect(merged.counters['webhook.sent']).toBe(300);
    expect(merged.counters['receiver.unique']).toBe(300);
    expect(merged.metrics['webhook.latency']!.count).toBe(300);
    expect(merged.thresholds).toEqual([expect.objectContaining({ metric: 'webhook.errors', pass: true })]);
    expect(await readFile(join(dir, 'results', 'sim', 'merged', 'junit.xml'), 'utf8')).toContain('<testsuite');
    expect(await readFile(join(dir, 'results', 'sim', 'merged', 'report.html'), 'utf8')).toContain('id="shards"');

    // The merge Job run again, after a shard's result went missing: refused, naming it.
    await rm(join(dir, 'results', 'sim', 'shard-1'), { recursive: true });
    const refused = await pushbench(local(expandArgs(mergeContainer.args, mergeEnv)));
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('pushbench: shard 1 of 3 is missing (pass --allow-partial to merge the rest as an invalid result)');
  }, 90_000);

  it('a shard that gets SIGTERM (eviction, node drain) writes an interrupted result; merge refuses it unless --allow-partial, which keeps every count', async () => {
    const file = join(dir, 'sigterm-scenario.yaml');
    await writeFile(file, 'name: job-sigterm\nseed: 3\nwebhook:\n  load: { model: open, rate: 100, duration: 6s }\n');
    const manifests = renderedManifests(2, LEAD_SECONDS, 'evicted');
    const shardContainer = jobContainer(manifests.find((object) => object.metadata.name === 'pushbench-shards')!);
    const env = Object.fromEntries(shardContainer.env.map(({ name, value }) => [name, value]));
    const pods = await Promise.all(
      [0, 1].map((index) => {
        const podEnv = { ...env, JOB_COMPLETION_INDEX: String(index) };
        const args = local(expandArgs(shardContainer.args, podEnv)).map((arg) => (arg === join(dir, 'scenario.yaml') ? file : arg));
        // Pod 1 is evicted mid-run: the kubelet's SIGTERM reaches its whole process group.
        return pushbench(args, index === 1 ? { env: podEnv, interruptWhen: /rate [1-9]\d*\/s[^\n]*\n[^\n]*rate/, signal: 'SIGTERM', signalGroup: true } : { env: podEnv });
      }),
    );
    expect(pods[1]!.code).toBe(3);
    const shardPaths = [0, 1].map((index) => join(dir, 'results', 'evicted', `shard-${index}`, 'result.json'));
    const shards = await Promise.all(shardPaths.map(async (path) => parseResult(await readFile(path, 'utf8'), path)));
    expect(pods[0]!.code, pods[0]!.stderr).toBe(0);
    expect(shards[0]!.interrupted).toBe(false);
    expect(shards[0]!.counters['webhook.sent']).toBe(300);
    expect(shards[1]!.interrupted).toBe(true);
    expect(shards[1]!.counters['webhook.sent']).toBeGreaterThan(0);
    expect(shards[1]!.counters['webhook.sent']).toBeLessThan(300);
    expect(shards[1]!.counters['receiver.received']).toBe(shards[1]!.counters['webhook.sent']);

    const out = join(dir, 'results', 'evicted', 'merged');
    const refused = await pushbench(['merge', join(dir, 'results', 'evicted'), '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`pushbench: ${shardPaths[1]}: shard 1 of 2 was interrupted (pass --allow-partial to merge it as an invalid result)`);
    const partial = await pushbench(['merge', join(dir, 'results', 'evicted'), '--out', out, '--allow-partial']);
    expect(partial.code).toBe(3);
    const merged = parseResult(await readFile(join(out, 'result.json'), 'utf8'), 'merged');
    expect(merged.interrupted).toBe(true);
    expect(merged.validity.reasons.some((reason) => /^shard 1: .*interrupted/.test(reason))).toBe(true);
    const sent = shards[0]!.counters['webhook.sent']! + shards[1]!.counters['webhook.sent']!;
    expect(merged.counters['webhook.sent']).toBe(sent);
    expect(merged.counters['receiver.received']).toBe(sent);
    expect(merged.metrics['webhook.latency']!.count).toBe(sent);
  }, 90_000);

  it('refuses --shard for a delivery scenario with exit 2 and one line', async () => {
    const run = await pushbench(['run', 'webhook-vs-websocket', '--shard', '0/2', '--out', join(dir, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^pushbench: --shard: .*webhook-vs-websocket\.yaml: a delivery scenario cannot be split over shards/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
