import { InputError } from '../errors.js';
import { loadScenario, resolveScenarioPath } from '../scenario/load-scenario.js';
import { ExitCode } from './exit-codes.js';

/** `pushbench validate <scenario...>`: checks every file, reports every problem, runs nothing. */
export async function validateCommand(files: string[]): Promise<number> {
  const problems: string[] = [];
  for (const nameOrPath of files) {
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
