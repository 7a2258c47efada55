import { z } from 'zod';
import { REPORT_DATA_FORMAT } from '../html/report-data.js';
import { REPORT_DATA_ELEMENT_ID } from '../html/report-template.js';

/** The part of a report's embedded data the publish index shows. */
const publishedReportSchema = z.object({
  format: z.literal(REPORT_DATA_FORMAT),
  title: z.string(),
  generatedAt: z.string(),
  runs: z.array(
    z.object({
      label: z.string(),
      colour: z.string().regex(/^#[0-9a-f]{6}$/i),
      scenario: z.string(),
      startedAt: z.string(),
      headline: z.object({
        throughputPerSec: z.number(),
        errors: z.number(),
        metric: z.string().optional(),
        p50Us: z.number(),
        p99Us: z.number(),
        p999Us: z.number(),
        valid: z.boolean(),
      }),
    }),
  ),
});

export type PublishedReport = z.output<typeof publishedReportSchema>;

const DATA_ELEMENT = new RegExp(`<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">([^<]*)</script>`);

/** The embedded data of a pushbench report, or undefined when the HTML is not one (or from an incompatible version). */
export function readReportData(html: string): PublishedReport | undefined {
  const json = DATA_ELEMENT.exec(html)?.[1];
  if (json === undefined) return undefined;
  try {
    const parsed = publishedReportSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
