import type { PayloadConfig } from '../../scenario/webhook-schema.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import { variablesUsed } from '../../template/template.js';
import { EventFactory } from './event-factory.js';

/** The values of one event that bodies, headers and signatures share. */
export type EventValues = {
  id: string;
  seq: number;
  timestamp: number;
  timestampMs: number;
  isoTime: string;
};

/** Template stream of the seeded random draws, apart from other uses of the seed. */
const RENDER_STREAM = 1;
const ROW_ORDER_STREAM = 2;

/**
 * Where the bodies of a run come from: the built-in body (exact size, carries the scheduled time for
 * the built-in receiver), a template, or rows of a payload file (rendered through the template, or
 * sent as they are). Returns bodies as JavaScript strings; the request builder encodes them.
 */
export class BodySource {
  readonly events: EventFactory;
  private readonly render: RenderFn | undefined;
  private readonly rows: readonly unknown[] | undefined;
  private readonly rowTexts: readonly string[] | undefined;
  /** Whether rendering reads the clock-derived values (isoTime costs a Date per request). */
  readonly usesIsoTime: boolean;

  constructor(
    private readonly payload: PayloadConfig,
    private readonly seed: number,
  ) {
    this.events = new EventFactory(seed, payload.sizeBytes ?? 512);
    this.render = payload.template ? bindTemplate(payload.template) : undefined;
    this.rows = payload.rows;
    this.rowTexts = !payload.template && payload.rows ? payload.rows.map((row) => JSON.stringify(row)) : undefined;
    this.usesIsoTime = payload.template ? variablesUsed(payload.template).has('isoTime') : false;
  }

  /** Whether the built-in body is used (fixed size; the receiver can read its scheduled time). */
  get builtin(): boolean {
    return this.render === undefined && this.rows === undefined;
  }

  /** False when `order: sequential` has used every row: event `seq` is then not sent. */
  has(seq: number): boolean {
    return !(this.rows && this.payload.order === 'sequential' && seq >= this.rows.length);
  }

  body(values: EventValues, intendedUs: number): string {
    if (this.builtin) return this.events.build(values.seq, intendedUs).body;
    const row = this.rowIndex(values.seq);
    const text =
      this.render !== undefined
        ? this.render({ values, row: this.rowOf(values.seq), random: seededRandom(this.seed, RENDER_STREAM, values.seq) })
        : this.rowTexts![row!]!;
    const sizeBytes = this.payload.sizeBytes;
    if (sizeBytes === undefined) return text;
    // Trailing spaces keep a JSON body valid JSON.
    const bytes = Buffer.byteLength(text);
    return bytes < sizeBytes ? text + ' '.repeat(sizeBytes - bytes) : text;
  }

  /** The feed row of event `seq`, when the payload has rows. */
  rowOf(seq: number): Record<string, unknown> | undefined {
    const row = this.rowIndex(seq);
    return row === undefined ? undefined : (this.rows![row] as Record<string, unknown>);
  }

  private rowIndex(seq: number): number | undefined {
    const rows = this.rows;
    if (!rows) return undefined;
    switch (this.payload.order) {
      case 'sequential':
        return Math.min(seq, rows.length - 1);
      case 'circular':
        return seq % rows.length;
      case 'random':
        return Math.floor(seededRandom(this.seed, ROW_ORDER_STREAM, seq)() * rows.length);
    }
  }
}
