import type { Validity } from './run-result.js';

/** The highest sendLag p99 over a result's generating processes; undefined when none paced a schedule. */
export function worstSendLagP99Us(validity: Pick<Validity, 'generators'>): number | undefined {
  const lags = (validity.generators ?? []).flatMap((generator) => (generator.sendLagP99Us === undefined ? [] : [generator.sendLagP99Us]));
  return lags.length === 0 ? undefined : Math.max(...lags);
}
