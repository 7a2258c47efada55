import yargs, { type Argv } from 'yargs';
import { InputError } from '../errors.js';
import { runCommand } from './run-command.js';
import { validateCommand } from './validate-command.js';
import { reportCommand } from './report-command.js';
import { publishCommand } from './publish-command.js';
import { compareCommand } from './compare-command.js';
import { baselineCommand } from './baseline-command.js';
import { mergeCommand } from './merge-command.js';
import { durationFlag, joinNegativeValues, rateFlag, repeatFlag } from './flag-values.js';

/**
 * Builds the yargs parser. Each command handler stores its exit code in `outcome`; the parser
 * itself never exits the process, so it can be tested.
 */
export function buildCli(argv: string[], outcome: { exitCode: number }): Argv {
  return yargs(joinNegativeValues(argv))
    .scriptName('pushbench')
    .usage('$0 <command> [options]')
    .command(
      'run [scenario]',
      'Run a scenario (a path, or a name in scenarios/) and write result.json',
      (y) =>
        y
          .positional('scenario', { type: 'string', describe: 'scenario file or name (default: webhook-vs-websocket)' })
          .option('out', { type: 'string', describe: 'directory for result.json (default: reports/runs/<name>-<UTC time>/)' })
          .option('target', { type: 'string', describe: 'send to this http(s):// URL instead of the scenario\'s target' })
          .option('duration', { type: 'string', coerce: durationFlag, describe: 'replace the load duration, e.g. 30s' })
          .option('rate', { type: 'string', coerce: rateFlag, describe: 'replace the open-model rate (requests per second)' })
          .option('json', { type: 'boolean', default: false, describe: 'print result.json to stdout instead of the summary' })
          .option('repeat', { type: 'string', coerce: repeatFlag, describe: 'run N trials and keep them all in one result (compare uses their medians)' })
          .option('shard', { type: 'string', describe: 'run part I of N (I 0-based, e.g. $JOB_COMPLETION_INDEX/4); default $PUSHBENCH_SHARD; merge the parts with `pushbench merge`' })
          .option('start-at', { type: 'string', describe: 'start the schedule at this wall-clock instant (ISO-8601 with zone, or Unix ms), once targets and pools are up' })
          .option('junit', { type: 'string', describe: 'write the thresholds as JUnit XML to this file' })
          .option('markdown', { type: 'string', describe: 'write a Markdown summary to this file (and append it to $GITHUB_STEP_SUMMARY)' })
          .option('prometheus', { type: 'string', describe: 'write live series to this Prometheus remote-write URL (default $PUSHBENCH_PROMETHEUS_URL, else the scenario\'s outputs.prometheus)' })
          .option('testid', { type: 'string', describe: 'the testid label of the live series (default: from --start-at, else a fresh id); give every shard of a run the same one' })
          .option('dashboard', { type: 'string', describe: 'serve a live dashboard on 127.0.0.1:PORT while the run goes on (default port 5666; 0 picks a free port); put the scenario before it' }),
      async (args) => {
        outcome.exitCode = await runCommand(args);
      },
    )
    .command(
      'merge <inputs..>',
      'Merge the results of one sharded run (run --shard I/N) into one result.json + report.html; judge its thresholds',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'shard result.json files, or directories searched for them' })
          .option('out', { type: 'string', demandOption: true, describe: 'directory for the merged result.json and report.html' })
          .option('allow-partial', { type: 'boolean', default: false, describe: 'merge the shards present when some are missing; the result is marked invalid' })
          .option('json', { type: 'boolean', default: false, describe: 'print the merged result.json to stdout instead of the summary' })
          .option('junit', { type: 'string', describe: 'write the thresholds as JUnit XML to this file' })
          .option('markdown', { type: 'string', describe: 'write a Markdown summary to this file (and append it to $GITHUB_STEP_SUMMARY)' }),
      async (args) => {
        outcome.exitCode = await mergeCommand({ ...args, inputs: args.inputs as string[] });
      },
    )
    .command(
      'compare <baseline> <current>',
      'Compare two results; exit 1 naming any metric that regressed beyond tolerance and noise',
      (y) =>
        y
          .positional('baseline', { type: 'string', demandOption: true, describe: 'baseline result.json, or a name in reports/baselines/' })
          .positional('current', { type: 'string', demandOption: true, describe: 'current result.json' })
          .option('max-regression', { type: 'string', describe: 'tolerances over the defaults, e.g. p99=10%,throughput=5%,p999=off' })
          .option('junit', { type: 'string', describe: 'write one JUnit testcase per compared quantity to this file' })
          .option('markdown', { type: 'string', describe: 'write a Markdown table to this file (and append it to $GITHUB_STEP_SUMMARY)' }),
      async (args) => {
        outcome.exitCode = await compareCommand(args);
      },
    )
    .command(
      'baseline <result>',
      'Save a result as the baseline reports/baselines/<name>.json (written or updated)',
      (y) =>
        y
          .positional('result', { type: 'string', demandOption: true, describe: 'result.json of a valid run' })
          .option('name', { type: 'string', describe: 'baseline name (default: the scenario name)' })
          .option('dir', { type: 'string', describe: 'baselines directory (default: reports/baselines)' }),
      async (args) => {
        outcome.exitCode = await baselineCommand(args);
      },
    )
    .command(
      'validate <scenarios..>',
      'Check scenario files and report every problem as file:line:col',
      (y) => y.positional('scenarios', { type: 'string', array: true, demandOption: true }),
      async (args) => {
        outcome.exitCode = await validateCommand(args.scenarios as string[]);
      },
    )
    .command(
      'report <results..>',
      'Render result.json files as one self-contained HTML report (several runs side by side)',
      (y) =>
        y
          .positional('results', { type: 'string', array: true, demandOption: true, describe: 'result.json files; the first is the reference for changes' })
          .option('out', { type: 'string', describe: 'the HTML file to write (default: report.html, none when only --junit/--markdown are given)' })
          .option('title', { type: 'string', describe: 'page title (default: the run labels)' })
          .option('junit', { type: 'string', describe: 'write one result\'s thresholds as JUnit XML to this file (what run wrote with --junit)' })
          .option('markdown', { type: 'string', describe: 'write one result\'s Markdown summary to this file (what run wrote with --markdown)' }),
      async (args) => {
        outcome.exitCode = await reportCommand({ results: args.results as string[], out: args.out, title: args.title, junit: args.junit, markdown: args.markdown });
      },
    )
    .command(
      'publish <dir>',
      'Build a static site from dir: every report, a trend page per scenario over every result, and an index.html',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'directory to search for report.html and result.json files, e.g. reports/' })
          .option('out', { type: 'string', demandOption: true, describe: 'site directory to write, e.g. site/' })
          .option('title', { type: 'string', describe: 'index page title (default: pushbench reports)' }),
      async (args) => {
        outcome.exitCode = await publishCommand({ dir: args.dir, out: args.out, title: args.title });
      },
    )
    .demandCommand(1, 'name a command: run, merge, validate, report, publish, compare or baseline (see --help)')
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // A flag's coerce function throws InputError; yargs hands it on re-wrapped as a YError with the same message.
      if (error && error.name !== 'YError') throw error;
      throw new InputError(message || error?.message || 'bad arguments (see --help)');
    });
}
