import { InputError } from '../errors.js';
import { statSync } from 'node:fs';
import { loadScenario, resolveScenarioPath, scenarioFilesIn } from '../scenario/load-scenario.js';
import { ExitCode } from './exit-codes.js';

/** `pushbench validate <scenario | folder...>`: checks every file (a folder: its scenario files), reports every problem, runs nothing. */
export async function validateCommand(files: string[]): Promise<number> {
  const problems: string[] = [];
  const expanded: string[] = [];
  for (const nameOrPath of files) {
    if (isFolder(nameOrPath)) expanded.push(...(await scenarioFilesIn(nameOrPath)));
    else expanded.push(nameOrPath);
  }
  for (const nameOrPath of expanded) {
    try {
      const scenario = await loadScenario(resolveScenarioPath(nameOrPath));
      process.stdout.write(`${scenario.file}: ok (${scenario.config.name})\n`);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.lines);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return ExitCode.ok;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
