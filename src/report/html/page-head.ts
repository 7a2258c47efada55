import { escapeHtml } from './escape.js';

/** The `<head>` every pushbench page shares: charset, its Content-Security-Policy, phone viewport, no referrer, title and inline style. */
export function pageHead(title: string, contentSecurityPolicy: string, style: string, extraMeta = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${extraMeta}<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>`;
}
