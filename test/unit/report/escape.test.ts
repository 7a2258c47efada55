import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../../src/report/html/escape.js';

describe('escapeHtml', () => {
  it('turns markup into text', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });
});

describe('jsonForScript', () => {
  const hostile = { name: '</script><script>alert(1)</script>', comment: '<!-- x -->', amp: 'a&b', separators: 'a\u2028b\u2029c' };

  it('leaves no character that could end a script element or break a JS string', () => {
    const json = jsonForScript(hostile);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain('\\u003c/script\\u003e');
  });

  it('parses back to the same value', () => {
    expect(JSON.parse(jsonForScript(hostile))).toEqual(hostile);
  });
});
