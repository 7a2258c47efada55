/** How a value compares with the first run's: 'same' within the noise band. */
export type ChangeVerdict = 'better' | 'worse' | 'same';

export interface Change {
  changePct: number;
  verdict: ChangeVerdict;
}

/** Changes within ±1% are 'same': HDR histograms keep 3 significant digits, so smaller moves are noise. */
export const SAME_BAND_PCT = 1;

/**
 * The change of `value` against `baseline` in percent, and whether it is better or worse given the
 * direction that is good for this figure. Undefined when the baseline is 0 (no meaningful ratio).
 */
export function percentChange(baseline: number, value: number, lowerIsBetter: boolean): Change | undefined {
  if (baseline === 0) return undefined;
  const changePct = ((value - baseline) / baseline) * 100;
  if (Math.abs(changePct) < SAME_BAND_PCT) return { changePct, verdict: 'same' };
  const improved = lowerIsBetter ? changePct < 0 : changePct > 0;
  return { changePct, verdict: improved ? 'better' : 'worse' };
}
