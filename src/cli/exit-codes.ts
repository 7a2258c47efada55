/** The CLI's exit codes are the ones every room shares (src/exit-codes.ts). */
export { ExitCode } from '../exit-codes.js';
