import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/result/redact.js';

describe('redactSecrets', () => {
  it('replaces secret-named fields and the credentials of URLs written literally, and keeps everything else', () => {
    const scenario = {
      name: 'x',
      webhook: { secret: 'whsec_abc', target: 'http://127.0.0.1:8080/hook', headers: { Authorization: 'Bearer t' } },
      outputs: { prometheus: { url: 'https://bench:s3cret@prom.example/api/v1/write', labels: { team: 'a@b' } } },
      list: ['wss://u:p@host/ws', 'plain text with user@example.com'],
    };
    expect(redactSecrets(scenario)).toEqual({
      name: 'x',
      webhook: { secret: '<redacted>', target: 'http://127.0.0.1:8080/hook', headers: { Authorization: '<redacted>' } },
      outputs: { prometheus: { url: 'https://<redacted>@prom.example/api/v1/write', labels: { team: 'a@b' } } },
      list: ['wss://<redacted>@host/ws', 'plain text with user@example.com'],
    });
    expect(scenario.outputs.prometheus.url).toBe('https://bench:s3cret@prom.example/api/v1/write'); // a copy
  });
});
