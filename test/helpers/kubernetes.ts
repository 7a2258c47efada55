import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './cli.js';

export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The manifests as deploy/kubernetes/submit.sh would apply them, values filled in (its --dry-run). */
export function renderedManifests(shards: number, leadSeconds: number, runId: string): KubernetesObject[] {
  const text = execFileSync('bash', [join(KUBERNETES_DIR, 'submit.sh'), '--dry-run', '-n', String(shards), '-l', String(leadSeconds), '-r', runId], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => doc.toJS() as KubernetesObject);
}

export interface Container {
  name: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
}

/** The one container of a Job's pod template. */
export function jobContainer(job: KubernetesObject): Container {
  const template = (job.spec as { template: { spec: { containers: Container[] } } }).template;
  return template.spec.containers[0]!;
}

/** Kubernetes' $(VAR) expansion of container args from the container's environment. */
export function expandArgs(args: readonly string[], env: Readonly<Record<string, string>>): string[] {
  return args.map((arg) => arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole));
}
