/** Progress snapshots are defined below the rooms that emit them (src/load/progress.ts). */
export type { ProgressSnapshot } from '../load/progress.js';
