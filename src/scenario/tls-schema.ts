import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * `tls: { ca, cert, key, insecure, servername }` of a section that connects over TLS (webhook,
 * websocket, and any later one: sse, pipeline). `ca`, `cert` and `key` are PEM file paths relative
 * to the scenario file; the loader reads them once (`readTlsFiles`) into `pem`, which is what
 * crosses to child processes. `insecure` skips certificate verification and warns in validity.
 */
export const tlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional().describe('PEM file of the CA (or CAs) that signed the server certificate, relative to the scenario file; replaces the system CAs.'),
    cert: z.string().min(1).optional().describe('PEM file of the client certificate (mTLS); needs `key`.'),
    key: z.string().min(1).optional().describe('PEM file of the client private key (mTLS); needs `cert`.'),
    insecure: z.boolean().default(false).describe('Accept any server certificate (self-signed staging hosts). The run warns in validity.'),
    servername: z.string().min(1).optional().describe('TLS server name (SNI) and the name the certificate must carry, when it differs from the URL host.'),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), { message: '`cert` and `key` go together (a client certificate needs its key)' })
  .transform(({ ca, cert, key, ...rest }) => ({ ...rest, files: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) }, pem: {} as TlsPem }))
  .describe('TLS for https:// and wss:// targets: custom CA, client certificate, insecure, server name.');

export interface TlsPem {
  ca?: string;
  cert?: string;
  key?: string;
}

export type TlsConfig = z.output<typeof tlsSchema>;

/** Options for node:tls connect (also accepted by ws and undici-free clients). */
export interface TlsConnectOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export function tlsConnectOptions(tls: TlsConfig | undefined): TlsConnectOptions | undefined {
  if (!tls) return undefined;
  return { ...tls.pem, rejectUnauthorized: !tls.insecure, ...(tls.servername ? { servername: tls.servername } : {}) };
}

/** A PEM file that cannot be used: which field, and why. */
export class TlsFileError extends Error {
  constructor(
    readonly field: 'ca' | 'cert' | 'key',
    message: string,
  ) {
    super(message);
  }
}

/** Reads the PEM files of `tls` (paths relative to `scenarioDir`) into `tls.pem`, once, at load. */
export function readTlsFiles(tls: TlsConfig, scenarioDir: string): void {
  for (const field of ['ca', 'cert', 'key'] as const) {
    const path = tls.files[field];
    if (path === undefined) continue;
    let text: string;
    try {
      text = readFileSync(resolve(scenarioDir, path), 'utf8');
    } catch (error) {
      throw new TlsFileError(field, `cannot read "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!text.includes('-----BEGIN ')) throw new TlsFileError(field, `"${path}" is not a PEM file (no "-----BEGIN" line)`);
    tls.pem[field] = text;
  }
}

/** The validity warning of a section with `insecure: true`. */
export function insecureWarning(section: string): string {
  return `${section}.tls.insecure: server certificates were not verified (anyone in the path could have answered)`;
}
