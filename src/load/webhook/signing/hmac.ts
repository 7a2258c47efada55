import { createHmac } from 'node:crypto';
import type { HmacSigning } from '../../../scenario/signing-schema.js';
import { bindTemplate } from '../../../template/render.js';
import { sameText } from './compare.js';
import { isStale, type SigningScheme } from './scheme.js';

const NO_RANDOM = (): number => 0;

/**
 * Generic HMAC: `header: <value>`, where `value` renders `{{signature}}` (the digest of `content`
 * in `encoding`), and `content` renders `{{timestamp}}`, `{{body}}` and `{{id}}`.
 */
export const hmac: SigningScheme<HmacSigning> = {
  name: 'hmac',
  idHeader: undefined,
  signer(config) {
    const digest = digestOf(config);
    const value = bindTemplate(config.value);
    const { timestampHeader, idHeader } = config;
    const extraLines = (id: string, timestampSec: number): string =>
      (timestampHeader ? `${timestampHeader}: ${timestampSec}\r\n` : '') + (idHeader ? `${idHeader}: ${id}\r\n` : '');
    return ({ id, timestampSec, body }) =>
      `${extraLines(id, timestampSec)}${config.header}: ${value({ values: { signature: digest(id, timestampSec, body), timestamp: timestampSec, id }, random: NO_RANDOM })}\r\n`;
  },
  verifier(config) {
    const digest = digestOf(config);
    const value = bindTemplate(config.value);
    const header = config.header.toLowerCase();
    const timestampHeader = config.timestampHeader?.toLowerCase();
    const idHeader = config.idHeader?.toLowerCase();
    return (headers, body, nowSec) => {
      const given = headers(header);
      const timestamp = timestampHeader ? headers(timestampHeader) : undefined;
      const id = idHeader ? headers(idHeader) : '';
      if (!given || (timestampHeader && !timestamp) || id === undefined) return 'missing';
      if (timestampHeader && isStale(timestamp, nowSec)) return 'stale';
      // Without a timestamp (id) header the templates cannot use {{timestamp}} ({{id}}): the schema refuses it.
      const timestampSec = timestamp ? Number(timestamp) : 0;
      const expected = value({ values: { signature: digest(id, timestampSec, body), timestamp: timestampSec, id }, random: NO_RANDOM });
      return sameText(given, expected) ? 'ok' : 'mismatch';
    };
  },
};

function digestOf(config: HmacSigning): (id: string, timestampSec: number, body: string) => string {
  const content = bindTemplate(config.content);
  const { algorithm, encoding, secret } = config;
  return (id, timestampSec, body) =>
    createHmac(algorithm, secret).update(content({ values: { timestamp: timestampSec, body, id }, random: NO_RANDOM }), 'latin1').digest(encoding);
}
