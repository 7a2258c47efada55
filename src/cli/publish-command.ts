import { publishReports } from '../report/publish/publish.js';
import { ExitCode } from './exit-codes.js';

export interface PublishArgs {
  dir: string;
  out: string;
  title?: string | undefined;
}

/** `pushbench publish <dir> --out site/`: copies every report under dir, writes a trend page per scenario and an index.html. */
export async function publishCommand(args: PublishArgs): Promise<number> {
  const outcome = await publishReports(args.dir, args.out, { title: args.title });
  const trends = outcome.trends.length;
  process.stdout.write(`published ${outcome.reports.length} report${outcome.reports.length === 1 ? '' : 's'} and ${trends} trend page${trends === 1 ? '' : 's'}: ${outcome.indexPath}\n`);
  return ExitCode.ok;
}
