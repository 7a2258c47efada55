import type { TimelinePoint } from '../../metrics/recorder.js';
import { GeneratorHealth } from '../generator-health.js';
import type { LiveOutput, LiveSource, RunIdentity } from '../live-output.js';
import { shownUrl, type WriteOptions } from './remote-write-client.js';
import { FAILURES_COUNTER, takeSnapshot } from './write-snapshot.js';
import { RemoteWriteWorker, type WriteResult } from './write-worker.js';

export { FAILURES_COUNTER, LIVE_GAUGES } from './write-snapshot.js';

export interface PrometheusSettings {
  url: URL;
  intervalUs: number;
  labels: Record<string, string>;
}

const PERIODIC: Omit<WriteOptions, 'timeoutMs'> = { retries: 2, backoffMs: 250 };
// The final write holds result.json back (it counts in it): at most 2 attempts of 2 s, 200 ms apart (4.2 s).
const FINAL: WriteOptions = { timeoutMs: 2_000, retries: 1, backoffMs: 200 };
/** How long the end of the run waits for a periodic write still under way before the final one abandons it. */
const PERIODIC_GRACE_MS = 1_000;
/** How long the end of the run waits for the final write's outcome: its 4.2 s at most, plus a worker still loading. */
const FINAL_WAIT_MS = 5_000;

/**
 * Prometheus remote write 1.0: every `interval` (whole seconds, counted in the recorder's closed
 * seconds) every series is written, changed or not, and once more after the run from the closed
 * recorder, so the last values are result.json's. The generator's thread only takes a snapshot;
 * a worker thread builds, encodes and sends it. A write still under way when the next is due makes
 * that one skip; a failed write is counted, warned about once, and never stops or slows the run.
 */
export class PrometheusOutput implements LiveOutput {
  readonly name = 'prometheus';
  readonly shownUrl: string;
  private readonly everySeconds: number;
  private worker: RemoteWriteWorker | undefined;
  private source: LiveSource | undefined;
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
    this.shownUrl = shownUrl(settings.url);
    this.everySeconds = Math.max(1, Math.round(settings.intervalUs / 1e6));
  }

  start(source: LiveSource, identity: RunIdentity): void {
    this.source = source;
    const labels = { ...this.settings.labels, scenario: identity.scenario, shard: String(identity.shard), testid: identity.testid };
    this.worker = new RemoteWriteWorker({ url: this.settings.url.href, labels });
    this.health = new GeneratorHealth();
    this.warn(`prometheus: remote write to ${this.shownUrl} every ${this.everySeconds}s, testid=${identity.testid} shard=${identity.shard}`);
  }

  /** The worker has loaded (or failed): its start-up costs the generator nothing once the schedule runs. */
  ready(): Promise<void> {
    return this.worker?.ready ?? Promise.resolve();
  }

  onSecond(_point: TimelinePoint): void {
    if (++this.secondsSinceWrite < this.everySeconds || this.writing) return;
    this.secondsSinceWrite = 0;
    this.writing = this.write({ ...PERIODIC, timeoutMs: Math.min(5_000, this.everySeconds * 1000) }, false).finally(() => (this.writing = undefined));
  }

  /**
   * The final write, bounded: result.json waits PERIODIC_GRACE_MS + FINAL_WAIT_MS (6 s) at most, then
   * the worker is terminated. A periodic write still under way after the grace is abandoned for it.
   */
  async finish(): Promise<void> {
    if (this.writing) await settledWithin(this.writing, PERIODIC_GRACE_MS);
    const final = this.write(FINAL, true);
    await settledWithin(final, FINAL_WAIT_MS);
    // Any write still without an outcome now fails with this reason (and is counted) before the worker goes.
    await this.worker?.stop(`no outcome within ${FINAL_WAIT_MS} ms of the run's end`);
    await final;
    await this.writing;
    this.health?.stop();
  }

  counters(): Record<string, number> {
    return { [FAILURES_COUNTER]: this.failures };
  }

  warnings(): string[] {
    if (this.failures === 0) return [];
    return [
      `prometheus remote write to ${this.shownUrl}: ${this.failures} of ${this.writes} writes failed (last: ${this.lastProblem}); the live series have gaps, result.json is complete`,
    ];
  }

  private async write(options: WriteOptions, final: boolean): Promise<void> {
    const source = this.source;
    const worker = this.worker;
    if (!source || !worker) return;
    const timestampMs = Math.max(Date.now(), this.lastTimestampMs + 1); // a series' samples must move forward
    this.lastTimestampMs = timestampMs;
    let result: WriteResult;
    try {
      const { snapshot, transfer } = takeSnapshot(source, this.health, this.failures);
      result = await worker.write({ final, timestampMs, options, snapshot }, transfer);
    } catch (error) {
      result = { ok: false, problem: (error as Error).message }; // never reaches the run: a write that cannot be taken is a failed write
    }
    if (result.superseded) return; // the final write carries everything it had
    this.writes++;
    if (result.ok) return;
    this.failures++;
    this.lastProblem = result.problem ?? 'unknown';
    if (this.failures === 1) {
      this.warn(`pushbench: prometheus remote write to ${this.shownUrl} failed (${this.lastProblem}); the run goes on, failed writes are counted in ${FAILURES_COUNTER}`);
    }
  }
}

/** Waits for `promise` to settle or `ms` to pass, whichever is first; the timer never outlives the wait. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
