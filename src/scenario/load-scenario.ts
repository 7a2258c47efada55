import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { WebhookConfig } from './webhook-schema.js';
import { InputError } from '../errors.js';
import { scenarioSchema, type ScenarioConfig } from './schema.js';
import { PayloadFileError, readPayloadRows } from './payload-file.js';
import { readTlsFiles, TlsFileError } from './tls-schema.js';
import { tlsSections } from './tls-sections.js';
import { positionOfKey, positionOfPath, toPosition } from './yaml-positions.js';

/** A validated scenario and the file it came from. */
export interface LoadedScenario {
  file: string;
  /** The scenario parsed and resolved (µs, URLs, parsed templates): what the run uses. */
  config: ScenarioConfig;
  /** The scenario as written (flags applied), for display and result.json; never read by the run. */
  source: Record<string, unknown>;
}

/** Command-line values that replace scenario fields before validation. */
export interface ScenarioOverrides {
  target?: string;
  duration?: string;
  rate?: number;
}

const MAX_SCENARIO_BYTES = 1_048_576;
const MAX_YAML_ALIASES = 100;
export const DEFAULT_SCENARIOS_DIR = resolve(import.meta.dirname, '../../scenarios');

/**
 * Turns what a person typed into a scenario path: an existing path as is, otherwise a bare name
 * looked up as scenarios/<name>.yaml (then .yml, .json).
 */
export function resolveScenarioPath(nameOrPath: string, scenariosDir = DEFAULT_SCENARIOS_DIR): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  if (!nameOrPath.includes('/') && !isAbsolute(nameOrPath)) {
    for (const ext of ['.yaml', '.yml', '.json', '']) {
      const candidate = join(scenariosDir, nameOrPath + ext);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new InputError(`${nameOrPath}: no such scenario file (looked for it as a path and in ${scenariosDir})`);
}

/** The scenario files of a folder (`.yaml`, `.yml`, `.json`; not the generated `schema.json`), sorted. */
export async function scenarioFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => /\.(ya?ml|json)$/.test(name) && name !== 'schema.json')
    .sort()
    .map((name) => join(dir, name));
}

/** Reads and validates a scenario file; throws InputError listing every problem as file:line:col: message. */
export async function loadScenario(file: string, overrides: ScenarioOverrides = {}): Promise<LoadedScenario> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError(`${file}: is a folder; name a scenario file in it (\`validate\` also takes a folder)`);
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: cannot read the scenario file`);
  }
  if (size > MAX_SCENARIO_BYTES) throw new InputError(`${file}:1:1: scenario file is ${size} bytes; the limit is ${MAX_SCENARIO_BYTES}`);
  const bytes = await readFile(file);
  return parseScenarioBytes(bytes, file, overrides);
}

/** Validates scenario text already in memory (YAML or JSON). `file` is only used in messages. */
export function parseScenarioBytes(bytes: Buffer, file: string, overrides: ScenarioOverrides = {}): LoadedScenario {
  const text = decodeText(bytes, file);
  if (file.toLowerCase().endsWith('.json')) checkStrictJson(text, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((error) => {
        const { line, col } = toPosition(lineCounter, error.pos[0]);
        return `${file}:${line}:${col}: ${firstLine(error.message)}`;
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new InputError(`${file}:1:1: ${firstLine((error as Error).message)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(`${file}:1:1: a scenario must be a mapping with at least \`name\` and a \`webhook\` section`);
  }
  const overridden = applyOverrides(raw as Record<string, unknown>, overrides, file);
  const parsed = scenarioSchema.safeParse(overridden);
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((issue) => describeIssue(issue, doc, lineCounter, file, overrides));
    throw new InputError(lines.sort(byPosition));
  }
  const config = parsed.data;
  const webhooks: Array<[WebhookConfig | undefined, string[]]> = [
    [config.webhook, ['webhook']],
    [config.pipeline?.ingest, ['pipeline', 'ingest']],
  ];
  for (const [webhook, at] of webhooks) {
    const payloadFile = webhook?.payload.file;
    if (!webhook || payloadFile === undefined) continue;
    try {
      webhook.payload.rows = readPayloadRows(resolve(dirname(file), payloadFile));
    } catch (error) {
      if (!(error instanceof PayloadFileError)) throw error;
      const { line, col } = positionOfPath(doc, lineCounter, [...at, 'payload', 'file']);
      throw new InputError(`${file}:${line}:${col}: ${at.join('.')}.payload.file: ${error.message}`);
    }
  }
  for (const [tls, at] of tlsSections(config)) {
    if (!tls) continue;
    try {
      readTlsFiles(tls, dirname(file));
    } catch (error) {
      if (!(error instanceof TlsFileError)) throw error;
      const { line, col } = positionOfPath(doc, lineCounter, [...at, 'tls', error.field]);
      throw new InputError(`${file}:${line}:${col}: ${at.join('.')}.tls.${error.field}: ${error.message}`);
    }
  }
  return { file, config, source: overridden };
}


/**
 * A .json scenario must be strict JSON (YAML would accept trailing commas, comments and unquoted
 * keys). Positions for schema errors still come from the YAML parser, which reads JSON as YAML.
 */
function checkStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
    const { line, col } = Number.isFinite(offset) ? lineAndColumn(text, offset) : { line: 1, col: 1 };
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new InputError(`${file}:${line}:${col}: not valid JSON: ${firstLine(reason)}`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

function decodeText(bytes: Buffer, file: string): string {
  if (bytes.includes(0)) throw new InputError(`${file}:1:1: this is a binary file, not a YAML or JSON scenario`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${file}:1:1: the file is not valid UTF-8 text`);
  }
}

/** Where each flag lands in each kind of section; a flag lands in every section the scenario has. */
const OVERRIDE_PATHS: Record<keyof ScenarioOverrides, readonly (readonly string[])[]> = {
  target: [
    ['webhook', 'target'],
    ['websocket', 'target'],
  ],
  duration: [
    ['webhook', 'load', 'duration'],
    ['websocket', 'hold'],
    ['delivery', 'events', 'duration'],
  ],
  rate: [
    ['webhook', 'load', 'rate'],
    ['delivery', 'events', 'rate'],
  ],
};

const OVERRIDE_FLAGS: Record<string, keyof ScenarioOverrides> = Object.fromEntries(
  (Object.keys(OVERRIDE_PATHS) as (keyof ScenarioOverrides)[]).flatMap((flag) => OVERRIDE_PATHS[flag].map((path) => [path.join('.'), flag])),
);

function applyOverrides(raw: Record<string, unknown>, overrides: ScenarioOverrides, file: string): Record<string, unknown> {
  const copy = structuredClone(raw);
  for (const flag of Object.keys(OVERRIDE_PATHS) as (keyof ScenarioOverrides)[]) {
    const value = overrides[flag];
    if (value === undefined) continue;
    let applied = 0;
    for (const path of OVERRIDE_PATHS[flag]) {
      const parent = path.slice(0, -1).reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), copy);
      if (!isRecord(parent)) continue;
      if (flag === 'rate' && path[0] === 'webhook' && parent.model !== 'open') {
        throw new InputError(`--rate: only applies to an open-model scenario; ${file} uses model "${String(parent.model)}"`);
      }
      parent[path.at(-1)!] = value;
      applied++;
    }
    if (applied === 0) throw new InputError(`--${flag}: ${file} has no section it applies to (${OVERRIDE_PATHS[flag].map((path) => path.join('.')).join(', ')})`);
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  file: string,
  overrides: ScenarioOverrides,
): string[] {
  const dotted = issue.path.map(String).join('.');
  const flag = OVERRIDE_FLAGS[dotted];
  if (flag && overrides[flag] !== undefined) return [`--${flag}: ${issue.message}`];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const { line, col } = positionOfKey(doc, lineCounter, issue.path, key);
      const where = dotted ? `${dotted}.${key}` : key;
      return `${file}:${line}:${col}: ${where}: unknown key (check the spelling; see scenarios/schema.json)`;
    });
  }
  const { line, col } = positionOfPath(doc, lineCounter, issue.path);
  const missing = issue.code === 'invalid_type' && doc.getIn(issue.path as unknown[]) === undefined;
  const message = missing ? `required, ${issue.message.replace(/, received undefined$/, '')}` : issue.message;
  return [`${file}:${line}:${col}: ${dotted || '(top level)'}: ${message}`];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Sorts `file:line:col: message` lines by line, then column; flag lines stay first. */
function byPosition(a: string, b: string): number {
  const position = (text: string): number => {
    const match = /:(\d+):(\d+): /.exec(text);
    return match ? Number(match[1]) * 100_000 + Number(match[2]) : 0;
  };
  return position(a) - position(b);
}
