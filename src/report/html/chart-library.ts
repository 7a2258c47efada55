import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let chartJsSource: string | undefined;

/**
 * The minified Chart.js UMD bundle from node_modules, inlined into every report so it works offline
 * and loads nothing remote. Read once per process. The source-map comment is dropped (it would point
 * at a file the report does not carry) and `</script` is escaped so the text cannot end its element.
 */
export function chartJsSourceText(): string {
  if (chartJsSource === undefined) {
    // chart.js's "exports" map hides dist/*.umd.js, so locate the package through its main entry.
    const mainEntry = createRequire(import.meta.url).resolve('chart.js');
    const text = readFileSync(join(dirname(mainEntry), 'chart.umd.min.js'), 'utf8');
    chartJsSource = text.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '').replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}
