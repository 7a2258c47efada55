import { formatDurationUs } from '../scenario/duration.js';

/** How a gate value is measured: microseconds, a fraction shown as a percentage, or a plain number. */
export type ValueUnit = 'us' | 'ratio' | 'count' | 'perSec';

/** Formats a measured value for people: 21.3ms, 0.125%, 1200, 840.2/s. */
export function formatValue(value: number | null, unit: ValueUnit): string {
  if (value === null || !Number.isFinite(value)) return '-';
  switch (unit) {
    case 'us':
      return formatDurationUs(value);
    case 'ratio':
      return formatPercent(value);
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
    case 'perSec':
      return `${value.toFixed(1)}/s`;
  }
}

/** A fraction as a percentage with enough digits for small rates: 0.5 -> 50%, 0.00012 -> 0.012%. */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent === 0) return '0%';
  const digits = Math.abs(percent) >= 10 ? 1 : Math.abs(percent) >= 0.1 ? 2 : 4;
  return `${Number(percent.toFixed(digits))}%`;
}

/** A signed relative change: +12.5%, -3.1%. */
export function formatSignedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+inf' : '-';
  const text = formatPercent(Math.abs(fraction));
  return `${fraction < 0 ? '-' : '+'}${text}`;
}
