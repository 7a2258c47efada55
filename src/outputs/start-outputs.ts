import type { Recorder } from '../metrics/recorder.js';
import type { OutputsConfig } from '../scenario/outputs-schema.js';
import type { LiveLevels, LiveOutput, RunIdentity } from './live-output.js';
import { PrometheusOutput } from './prometheus/prometheus-output.js';

/** Live outputs a caller asks for on top of (or instead of) the scenario's `outputs`. */
export interface OutputOptions {
  /** Replaces `outputs.prometheus.url` (`--prometheus`, PUSHBENCH_PROMETHEUS_URL); with no scenario section, defaults apply. */
  prometheusUrl?: URL;
  /** The `testid` label (`--testid`); derived from --start-at or fresh when absent. */
  testid?: string;
  /** Outputs made by the caller (the live dashboard). */
  sinks?: LiveOutput[];
  /** Where an output's one-line warnings go (stderr by default). */
  warn?: (line: string) => void;
}

export const DEFAULT_PROMETHEUS_INTERVAL_US = 5_000_000;
/** How long a run waits for its outputs' start-up before its measured schedule; a slower output starts late, not the load. */
const READY_WAIT_MS = 5_000;

/** The outputs of one run, started and fed from the recorder; `finish()` ends them and returns what result.json keeps. */
export interface LiveOutputs {
  /** Feed the run's latest live levels (its progress snapshots). */
  levels(levels: LiveLevels): void;
  /** Every output's start-up done, or READY_WAIT_MS passed: called before the measured schedule starts. */
  ready(): Promise<void>;
  finish(): Promise<{ counters: Record<string, number>; warnings: string[] }>;
}

export function startOutputs(recorder: Recorder, identity: RunIdentity, config: OutputsConfig | undefined, options: OutputOptions = {}): LiveOutputs {
  const outputs: LiveOutput[] = [...(options.sinks ?? [])];
  const prometheus = config?.prometheus;
  const url = options.prometheusUrl ?? prometheus?.url;
  if (url) {
    outputs.push(
      new PrometheusOutput({ url, intervalUs: prometheus?.intervalUs ?? DEFAULT_PROMETHEUS_INTERVAL_US, labels: prometheus?.labels ?? {} }, options.warn),
    );
  }
  let latest: LiveLevels | undefined;
  const source = { recorder, levels: () => latest };
  for (const output of outputs) {
    output.start(source, identity);
    recorder.onSecond((point) => {
      try {
        output.onSecond(point);
      } catch {
        // an output's fault must never reach the recorder's tick (it would stop the timeline)
      }
    });
  }
  return {
    levels(levels) {
      latest = levels;
    },
    async ready() {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, READY_WAIT_MS)));
      await Promise.race([Promise.all(outputs.map((output) => output.ready?.())), bound]);
      clearTimeout(timer);
    },
    async finish() {
      const counters: Record<string, number> = {};
      const warnings: string[] = [];
      for (const output of outputs) {
        await output.finish();
        Object.assign(counters, output.counters());
        warnings.push(...output.warnings());
      }
      return { counters, warnings };
    },
  };
}
