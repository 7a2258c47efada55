import type { GateCase } from './gate-cases.js';

/** A JUnit XML report: one testsuite, one testcase per threshold or compared quantity. */
export function renderJunit(suiteName: string, cases: readonly GateCase[]): string {
  const failures = cases.filter((gateCase) => !gateCase.pass).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pushbench" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${xml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  for (const gateCase of cases) {
    const open = `    <testcase classname="${xml(`pushbench.${gateCase.group}`)}" name="${xml(gateCase.name)}" time="0">`;
    if (gateCase.pass) {
      lines.push(`${open}<system-out>${xml(gateCase.message)}</system-out></testcase>`);
    } else {
      lines.push(`${open}<failure message="${xml(gateCase.message)}" type="regression">${xml(gateCase.message)}</failure></testcase>`);
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold. */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
