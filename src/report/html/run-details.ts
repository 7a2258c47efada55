import { basename } from 'node:path';
import type { RunResult } from '../../result/run-result.js';
import { redactSecrets } from '../../result/redact.js';
import { worstSendLagP99Us } from '../../result/generator-figures.js';
import { escapeHtml } from './escape.js';
import { formatBytes, formatFraction, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/** Was the measurement trustworthy: generator health per run. */
export function validityTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows = pairs(results, runs).map(([result, run]) => {
    const v = result.validity;
    const rate = v.askedRatePerSec === undefined ? '-' : `${v.askedRatePerSec.toFixed(0)}/s → ${(v.achievedRatePerSec ?? 0).toFixed(0)}/s`;
    const peakRssBytes = Math.max(0, ...v.processes.map((process) => process.maxRssBytes));
    return [
      runCell(run),
      `<td class="num"><span class="badge ${run.headline.valid ? 'ok' : 'invalid'}">${run.headline.valid ? 'valid' : 'INVALID'}</span></td>`,
      numberCell(rate),
      numberCell(sendLagCell(v)),
      numberCell(formatLatencyUs(v.eventLoopDelayP99Us)),
      numberCell(formatFraction(v.eventLoopUtilization, 0)),
      numberCell(`${((v.cpuUserMs + v.cpuSystemMs) / 1000).toFixed(1)} s`),
      numberCell(peakRssBytes === 0 ? '-' : formatBytes(peakRssBytes)),
    ];
  });
  const headers = ['run', 'validity', 'rate asked → achieved', 'sendLag p99 (worst process)', 'event loop p99', 'event loop busy', 'generator CPU', 'peak RSS'];
  return htmlTable(headers, rows, 'validity');
}

/** The worst generating process's sendLag p99; an older result's late-send share; '-' without a paced schedule. */
function sendLagCell(v: RunResult['validity']): string {
  const lagUs = worstSendLagP99Us(v);
  if (lagUs !== undefined) return formatLatencyUs(lagUs);
  return v.lateSendFraction === undefined ? '-' : `${formatFraction(v.lateSendFraction)} late`;
}

/** Where each run was measured. */
export function environmentTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows = pairs(results, runs).map(([result, run]) => {
    const env = result.env;
    return [
      runCell(run),
      textCell(new Date(result.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')),
      numberCell(`${(result.durationMs / 1000).toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}`),
      textCell(`${env.cpuModel} × ${env.cores}`),
      numberCell(formatBytes(env.totalMemoryBytes)),
      textCell(`${env.os} ${env.arch}`),
      textCell(`node ${env.node}`),
      textCell(env.gitCommit?.slice(0, 10) ?? '-'),
    ];
  });
  return htmlTable(['run', 'started', 'duration', 'CPU', 'memory', 'OS', 'runtime', 'commit'], rows, 'environment', 2);
}

/**
 * Each run's scenario as it ran, secret-looking fields replaced (results are redacted when written;
 * this guards results written by other tools or by hand). The file is shown by name only.
 */
export function scenarioBlocks(results: readonly RunResult[], runs: readonly RunView[]): string {
  return pairs(results, runs)
    .map(([result, run]) => {
      const config = JSON.stringify(redactSecrets(result.scenario.config), null, 2);
      const summary = `<span class="swatch" style="background:${run.colour}"></span>${escapeHtml(run.label)} — ${escapeHtml(basename(result.scenario.file))}`;
      return `<details><summary>${summary}</summary><pre>${escapeHtml(config)}</pre></details>`;
    })
    .join('\n');
}

function pairs(results: readonly RunResult[], runs: readonly RunView[]): Array<[RunResult, RunView]> {
  return results.flatMap((result, index) => {
    const run = runs[index];
    return run === undefined ? [] : [[result, run] as [RunResult, RunView]];
  });
}
