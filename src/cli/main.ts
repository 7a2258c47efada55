#!/usr/bin/env node
// First: it sets a V8 flag (flat RSS, issue 21) before the other modules load and allocate.
import '../process/young-generation.js';
import { hideBin } from 'yargs/helpers';
import { InputError, RunError } from '../errors.js';
import { redactKnownSecrets } from '../template/secrets.js';
import { ExitCode } from './exit-codes.js';
import { buildCli } from './parse-args.js';

/** The pushbench command: parse, run, and turn every failure into one line and an exit code. */
async function main(): Promise<number> {
  const outcome = { exitCode: ExitCode.ok as number };
  try {
    await buildCli(hideBin(process.argv), outcome).parseAsync();
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof InputError) {
      for (const line of error.lines) process.stderr.write(redactKnownSecrets(`pushbench: ${line}\n`));
      return ExitCode.badInput;
    }
    if (error instanceof RunError) {
      process.stderr.write(redactKnownSecrets(`pushbench: run failed: ${error.message}\n`));
      return ExitCode.runFailed;
    }
    const detail = process.env.PUSHBENCH_DEBUG ? (error as Error).stack : (error as Error).message;
    process.stderr.write(redactKnownSecrets(`pushbench: run failed: ${detail}\n`));
    return ExitCode.runFailed;
  }
}

// A reader that goes away (`pushbench run ... | head`) must not kill a run before it writes its result.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main();
