import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';
import { jobContainer, KUBERNETES_DIR, renderedManifests, type KubernetesObject } from '../../helpers/kubernetes.js';

/** Every kind the manifests use, validated against the Kubernetes JSON schemas of kubernetes-models. */
const MODELS: Record<string, new (object: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap as never,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as never,
  'batch/v1/Job': Job as never,
};

function validate(object: KubernetesObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

const files = readdirSync(KUBERNETES_DIR).filter((name) => name.endsWith('.yaml'));
const objects = files.flatMap((file) => parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), 'utf8')).map((doc) => ({ file, object: doc.toJS() as KubernetesObject })));

describe('deploy/kubernetes', () => {
  it('holds the ConfigMap, the results volume, the shards Job and the merge Job', () => {
    expect(objects.map(({ object }) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ConfigMap/pushbench-scenario',
      'Job/pushbench-merge',
      'Job/pushbench-shards',
      'PersistentVolumeClaim/pushbench-results',
    ]);
  });

  for (const { file, object } of objects) {
    it(`${file}: ${object.kind} ${object.metadata.name} validates against the Kubernetes schema`, () => {
      expect(() => validate(object)).not.toThrow();
    });
  }

  it('validates every object as submit.sh fills it in', () => {
    const rendered = renderedManifests(8, 90, 'run-check');
    expect(rendered).toHaveLength(4);
    for (const object of rendered) expect(() => validate(object)).not.toThrow();
  });

  it('the validation is real: a mistyped field or a missing required one is refused', () => {
    const shardsJob = objects.find(({ object }) => object.metadata.name === 'pushbench-shards')!.object;
    const mistyped = structuredClone(shardsJob);
    (mistyped.spec as Record<string, unknown>).completions = 'four';
    expect(() => validate(mistyped)).toThrow(/completions/);
    const missing = structuredClone(shardsJob);
    delete (missing.spec as { template: { spec: Record<string, unknown> } }).template.spec.containers;
    expect(() => validate(missing)).toThrow(/containers/);
  });

  it('the shards Job: Indexed, completions = parallelism = N, never retried, failed by any failing shard', () => {
    const job = renderedManifests(6, 60, 'run-x').find((object) => object.metadata.name === 'pushbench-shards')!;
    const spec = job.spec as {
      completionMode: string;
      completions: number;
      parallelism: number;
      backoffLimit: number;
      podFailurePolicy: { rules: Array<{ action: string; onExitCodes?: { operator: string; values: number[] } }> };
      template: {
        spec: { restartPolicy: string; terminationGracePeriodSeconds?: number; affinity?: { podAntiAffinity?: unknown }; securityContext: { runAsNonRoot: boolean } };
      };
    };
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 6, backoffLimit: 0 });
    expect(spec.podFailurePolicy.rules[0]).toMatchObject({ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0] } });
    expect(spec.template.spec.restartPolicy).toBe('Never');
    // SIGTERM -> drain, children's numbers, interrupted result.json: well past Kubernetes' default 30 s.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(spec.template.spec.affinity?.podAntiAffinity).toBeDefined();
    expect(spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    const container = jobContainer(job);
    expect(container.args.join(' ')).toContain('--shard $(JOB_COMPLETION_INDEX)/$(SHARDS) --start-at $(START_AT)');
    const env = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
    expect(env.SHARDS).toBe('6');
    expect(env.RUN_ID).toBe('run-x');
    const startMs = Date.parse(env.START_AT!);
    expect(startMs - Date.now()).toBeGreaterThan(55_000);
    expect(startMs - Date.now()).toBeLessThan(65_000);
  });

  it('the ConfigMap holds a valid scenario', () => {
    const configMap = objects.find(({ object }) => object.kind === 'ConfigMap')!.object as unknown as { data: Record<string, string> };
    expect(() => parseScenarioBytes(Buffer.from(configMap.data['scenario.yaml']!), 'configmap.yaml')).not.toThrow();
  });
});
