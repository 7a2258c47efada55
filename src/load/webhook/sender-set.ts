import type { Recorder } from '../../metrics/recorder.js';
import { seededRandom } from '../../template/render.js';
import type { WebhookSender } from './webhook-sender.js';

/** Random stream of the target split, apart from other uses of the seed. */
const SPLIT_STREAM = 4;

/**
 * The senders of a run: one per target (`webhook.targets`), or just one. Event `seq` goes to a
 * target chosen by weight from a draw seeded by (seed, seq), so the split is the same on every
 * run and in every shard, whatever order events are sent in.
 */
export class SenderSet {
  private readonly cumulative: number[];

  constructor(
    readonly senders: readonly WebhookSender[],
    weights: readonly number[],
    private readonly seed: number,
  ) {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let sum = 0;
    this.cumulative = weights.map((weight) => (sum += weight / total));
  }

  /** The index of the target event `seq` goes to. */
  targetOf(seq: number): number {
    if (this.senders.length === 1) return 0;
    const draw = seededRandom(this.seed, SPLIT_STREAM, seq)();
    const index = this.cumulative.findIndex((edge) => draw < edge);
    return index < 0 ? this.senders.length - 1 : index;
  }

  submit(seq: number, intendedUs: number): void {
    this.senders[this.targetOf(seq)]!.submit(seq, intendedUs);
  }

  get inFlight(): number {
    return this.senders.reduce((sum, sender) => sum + sender.inFlight, 0);
  }

  async warmUp(count: number, maxWaitMs: number): Promise<void> {
    await Promise.all(this.senders.map((sender) => sender.warmUp(count, maxWaitMs)));
  }

  async whenIdle(maxWaitMs: number): Promise<void> {
    await Promise.all(this.senders.map((sender) => sender.whenIdle(maxWaitMs)));
  }

  async drain(maxWaitMs: number): Promise<void> {
    await Promise.all(this.senders.map((sender) => sender.drain(maxWaitMs)));
  }

  /** From now on, samples go to `recorder`; returns the one used until now. */
  useRecorder(recorder: Recorder): Recorder {
    let previous: Recorder | undefined;
    for (const sender of this.senders) previous = sender.useRecorder(recorder);
    return previous!;
  }
}
