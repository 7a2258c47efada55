import type { z } from 'zod';
import type { Schedule } from '../schedule.js';

/** The scenario's field types a pattern builds its keys from (durations resolve to integer µs). */
export interface FieldKit {
  durationUs: z.ZodType<number, string>;
  positiveDurationUs: z.ZodType<number, string>;
}

/** What a pattern gets to resolve: the load's own `rate` and `duration` (if written) and the keys it owns. */
export interface PatternInput {
  ratePerSec: number | undefined;
  durationUs: number | undefined;
  keys: Readonly<Record<string, unknown>>;
}

/** A pattern resolved once: its parameters (plain data), its length and its highest rate. */
export interface ResolvedPattern {
  spec: unknown;
  durationUs: number;
  peakRatePerSec: number;
  /** The rate the measured schedule opens with (a warm-up runs at it). */
  startRatePerSec: number;
}

/**
 * An open-model load pattern (`webhook.load.pattern`), like k6's executors: one file each in this
 * folder, registered by name in ./registry.ts. A pattern owns keys of the load section (`burst`,
 * `stages`, ...), says whether it needs `rate` and `duration`, resolves what was written into plain
 * numbers, and turns them into an exact arrival schedule.
 */
export interface LoadPattern {
  readonly name: string;
  /** One line for the schema and docs. */
  readonly summary: string;
  /** The load keys this pattern owns; each optional here (see `required`). */
  keys(kit: FieldKit): z.ZodRawShape;
  /** Owned keys that must be present, with the message when one is missing. */
  readonly required: ReadonlyArray<{ key: string; message: string }>;
  readonly needsRate: boolean;
  readonly needsDuration: boolean;
  /** Checks across keys (the keys themselves are already valid); report with `issue(path, message)`. */
  check?(input: PatternInput, issue: (path: string[], message: string) => void): void;
  resolve(input: PatternInput): ResolvedPattern;
  schedule(spec: unknown, durationUs: number): Schedule;
}
