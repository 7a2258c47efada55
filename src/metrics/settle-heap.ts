import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now, before a measured schedule starts. Start-up (loading the CLI,
 * starting targets, opening pools) leaves garbage whose first mark-compact otherwise lands in the
 * first second of load: a 20-40 ms pause that shows up as send lag in a short run. A no-op where V8
 * refuses the flag.
 */
export function settleHeap(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
