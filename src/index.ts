/** pushbench's public API: the CLI is a thin layer over these. */
export { loadScenario, parseScenarioBytes, resolveScenarioPath, type LoadedScenario, type ScenarioOverrides } from './scenario/load-scenario.js';
export { scenarioSchema, type ScenarioConfig, type WebhookConfig } from './scenario/schema.js';
export { runScenario, type RunOptions } from './run/run-scenario.js';
export { readResult, parseResult } from './result/read-result.js';
export { writeResult } from './result/write-result.js';
export { RESULT_SCHEMA_VERSION, runResultSchema, type RunResult } from './result/run-result.js';
export { renderTextSummary } from './report/text-summary.js';
export { renderReport, type RenderReportOptions } from './report/html/render-report.js';
export { publishReports, type PublishOptions, type PublishOutcome } from './report/publish/publish.js';
export { Recorder, type RecorderOutput, type TimelinePoint } from './metrics/recorder.js';
export { buildWebhookReceiver, type ReceiverOptions } from './targets/webhook-receiver.js';
export { signWebhook, verifyWebhook, decodeSecret } from './load/webhook/signing.js';
export { InputError, RunError } from './errors.js';
export { ExitCode } from './cli/exit-codes.js';
