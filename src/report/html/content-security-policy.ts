import { createHash } from 'node:crypto';

/**
 * The report's Content-Security-Policy: nothing may load from anywhere (default-src 'none'); only
 * the report's own inline scripts run, pinned by hash; inline styles (Chart.js sizes its canvases)
 * and data: images are allowed.
 */
export function contentSecurityPolicy(inlineScripts: readonly string[]): string {
  const hashes = inlineScripts.map((script) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`);
  const scriptSrc = hashes.length > 0 ? hashes.join(' ') : "'none'";
  return `default-src 'none'; script-src ${scriptSrc}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
}
