import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import type { GateCase } from './gate-cases.js';
import { renderJunit } from './junit.js';

export interface CiOutputOptions {
  /** `--junit FILE` */
  junit?: string | undefined;
  /** `--markdown FILE` */
  markdown?: string | undefined;
  /** Where GitHub Actions collects the job summary; defaults to $GITHUB_STEP_SUMMARY. */
  stepSummary?: string | undefined;
}

/**
 * Writes the CI files: JUnit XML to --junit, Markdown to --markdown and, with --markdown, the same
 * Markdown appended to $GITHUB_STEP_SUMMARY when that is set (the GitHub job summary). Returns the paths written.
 */
export async function writeCiOutputs(suiteName: string, cases: readonly GateCase[], markdown: string, options: CiOutputOptions): Promise<string[]> {
  const written: string[] = [];
  if (options.junit) {
    await writeOutput('--junit', options.junit, renderJunit(suiteName, cases));
    written.push(options.junit);
  }
  if (options.markdown) {
    await writeOutput('--markdown', options.markdown, markdown);
    written.push(options.markdown);
    const summary = options.stepSummary ?? process.env.GITHUB_STEP_SUMMARY;
    if (summary) {
      await appendFile(summary, `${markdown}\n`);
      written.push(summary);
    }
  }
  return written;
}

async function writeOutput(flag: string, path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
