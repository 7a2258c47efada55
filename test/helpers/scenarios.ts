import { parseScenarioBytes, type LoadedScenario } from '../../src/scenario/load-scenario.js';

/** A validated scenario from inline YAML, as the loader would produce it from a file. */
export function scenarioFrom(yaml: string, file = 'inline.yaml'): LoadedScenario {
  return parseScenarioBytes(Buffer.from(yaml), file);
}

export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
