import type { TimelinePoint } from '../../metrics/recorder.js';
import { GeneratorHealth } from '../generator-health.js';
import type { LiveOutput, LiveSource, RunIdentity } from '../live-output.js';
import { RemoteWriteClient, type WriteOptions } from './remote-write-client.js';
import { buildSeries, gaugeName } from './series.js';
import { warmUpBuckets } from './buckets.js';
import { encodeWriteRequest } from './write-request.js';

export interface PrometheusSettings {
  url: URL;
  intervalUs: number;
  labels: Record<string, string>;
}

/** The counter in result.json that counts writes given up (after retries). */
export const FAILURES_COUNTER = 'output.prometheus.failures';

/** Gauges every write carries besides the recorder's own (`pushbench_<gauge>`). */
export const LIVE_GAUGES = [
  'pushbench_open_connections',
  'pushbench_in_flight_requests',
  'pushbench_generator_event_loop_delay_p99_seconds',
  'pushbench_generator_event_loop_delay_max_seconds',
  'pushbench_generator_cpu_utilization',
] as const;

const PERIODIC: Omit<WriteOptions, 'timeoutMs'> = { retries: 2, backoffMs: 250 };
// The final write holds result.json back (it counts in it): at most 2 attempts of 2 s.
const FINAL: WriteOptions = { timeoutMs: 2_000, retries: 1, backoffMs: 200 };

/**
 * Prometheus remote write 1.0: every `interval` (whole seconds, counted in the recorder's closed
 * seconds) every series is written, changed or not, and once more after the run from the closed
 * recorder, so the last values are result.json's. A write still under way when the next is due
 * makes that one skip; a failed write is counted, warned about once, and never stops the run.
 */
export class PrometheusOutput implements LiveOutput {
  readonly name = 'prometheus';
  private readonly client: RemoteWriteClient;
  private readonly everySeconds: number;
  private source: LiveSource | undefined;
  private labels: Record<string, string> = {};
  private health: GeneratorHealth | undefined;
  private secondsSinceWrite = 0;
  private writing: Promise<void> | undefined;
  private lastTimestampMs = 0;
  private writes = 0;
  private failures = 0;
  private lastProblem = '';

  constructor(
    private readonly settings: PrometheusSettings,
    private readonly warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    this.client = new RemoteWriteClient(settings.url);
    warmUpBuckets();
    this.everySeconds = Math.max(1, Math.round(settings.intervalUs / 1e6));
  }

  get shownUrl(): string {
    return this.client.shownUrl;
  }

  start(source: LiveSource, identity: RunIdentity): void {
    this.source = source;
    this.labels = { ...this.settings.labels, scenario: identity.scenario, shard: String(identity.shard), testid: identity.testid };
    this.health = new GeneratorHealth();
    this.warn(`prometheus: remote write to ${this.client.shownUrl} every ${this.everySeconds}s, testid=${identity.testid} shard=${identity.shard}`);
  }

  onSecond(_point: TimelinePoint): void {
    if (++this.secondsSinceWrite < this.everySeconds || this.writing) return;
    this.secondsSinceWrite = 0;
    this.writing = this.write({ ...PERIODIC, timeoutMs: Math.min(5_000, this.everySeconds * 1000) }).finally(() => (this.writing = undefined));
  }

  async finish(): Promise<void> {
    await this.writing; // an earlier write landing after the final one would be refused as out of order
    await this.write(FINAL);
    this.client.close();
    this.health?.stop();
  }

  counters(): Record<string, number> {
    return { [FAILURES_COUNTER]: this.failures };
  }

  warnings(): string[] {
    if (this.failures === 0) return [];
    return [
      `prometheus remote write to ${this.client.shownUrl}: ${this.failures} of ${this.writes} writes failed (last: ${this.lastProblem}); the live series have gaps, result.json is complete`,
    ];
  }

  private async write(options: WriteOptions): Promise<void> {
    const source = this.source;
    if (!source) return;
    const timestampMs = Math.max(Date.now(), this.lastTimestampMs + 1); // a series' samples must move forward
    this.lastTimestampMs = timestampMs;
    this.writes++;
    let problem: string | undefined;
    try {
      const body = encodeWriteRequest(buildSeries(this.snapshot(source), this.labels, timestampMs));
      const outcome = await this.client.write(body, options);
      if (outcome.ok) return;
      problem = outcome.problem ?? 'unknown';
    } catch (error) {
      problem = (error as Error).message; // never reaches the run: a write that cannot be built is a failed write
    }
    this.failures++;
    this.lastProblem = problem;
    if (this.failures === 1) {
      this.warn(`pushbench: prometheus remote write to ${this.client.shownUrl} failed (${this.lastProblem}); the run goes on, failed writes are counted in ${FAILURES_COUNTER}`);
    }
  }

  private snapshot(source: LiveSource) {
    const { recorder } = source;
    const levels = source.levels();
    const gauges: Array<[string, number]> = recorder.gaugeEntries().map(([name, value]) => [gaugeName(name), value]);
    gauges.push([LIVE_GAUGES[0], levels?.openConnections ?? 0], [LIVE_GAUGES[1], levels?.inFlight ?? 0]);
    if (this.health) gauges.push(...Object.entries(this.health.read()));
    return {
      histograms: recorder.histogramEntries(),
      counters: [...recorder.counterEntries(), [FAILURES_COUNTER, this.failures] as [string, number]],
      gauges,
    };
  }
}
