import { formatDurationUs } from '../scenario/duration.js';
import type { ProgressSnapshot } from '../run/progress.js';

/** Prints progress to stderr: one rewritten line on a TTY, plain lines otherwise (CI logs). */
export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr, suffix = ''): {
  print(progress: ProgressSnapshot): void;
  done(): void;
} {
  let wroteLiveLine = false;
  return {
    print(progress) {
      const line = formatProgress(progress) + suffix;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line}`);
        wroteLiveLine = true;
      } else stream.write(`${line}\n`);
    },
    done() {
      if (wroteLiveLine) stream.write('\n');
    },
  };
}

export function formatProgress(progress: ProgressSnapshot): string {
  const elapsed = Math.min(progress.elapsedUs, progress.totalUs);
  const p99 = progress.p99Us === undefined ? '-' : formatDurationUs(progress.p99Us);
  return (
    `[${progress.label ? `${progress.label} ` : ''}${seconds(elapsed)} / ${seconds(progress.totalUs)}] ` +
    `rate ${progress.sentPerSec}/s  p99 ${p99}  errors ${progress.errors}  in flight ${progress.inFlight}  connections ${progress.openConnections}` +
    (progress.serverConnections !== undefined ? ` (server ${progress.serverConnections})` : '')
  );
}

function seconds(us: number): string {
  return `${(us / 1e6).toFixed(1)}s`;
}
