import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { TlsConnectOptions } from '../../scenario/tls-schema.js';

/** Where requests go, parsed once from the target URL. */
export interface Endpoint {
  tls: boolean;
  host: string;
  port: number;
  /** Request target: path and query. */
  path: string;
  /** Value of the Host header. */
  hostHeader: string;
  /** https: the scenario's `tls` (CA, client certificate, insecure, server name). */
  tlsOptions?: TlsConnectOptions | undefined;
}

export function parseEndpoint(url: string, tlsOptions?: TlsConnectOptions): Endpoint {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'https:';
  const port = parsed.port ? Number(parsed.port) : tls ? 443 : 80;
  return {
    tls,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: (parsed.pathname || '/') + parsed.search,
    hostHeader: parsed.host,
    ...(tls && tlsOptions ? { tlsOptions } : {}),
  };
}

export function openSocket(endpoint: Endpoint): Socket {
  const socket = endpoint.tls
    ? // SNI carries host names only (RFC 6066); an IP target is checked against the certificate's IP names.
      connectTls({ host: endpoint.host, port: endpoint.port, ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}), ...endpoint.tlsOptions })
    : connectTcp({ host: endpoint.host, port: endpoint.port });
  socket.setNoDelay(true);
  return socket;
}
