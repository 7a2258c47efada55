import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Where requests go, parsed once from the target URL. */
export interface Endpoint {
  tls: boolean;
  host: string;
  port: number;
  /** Request target: path and query. */
  path: string;
  /** Value of the Host header. */
  hostHeader: string;
}

export function parseEndpoint(url: string): Endpoint {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'https:';
  const port = parsed.port ? Number(parsed.port) : tls ? 443 : 80;
  return {
    tls,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: (parsed.pathname || '/') + parsed.search,
    hostHeader: parsed.host,
  };
}

export function openSocket(endpoint: Endpoint): Socket {
  const socket = endpoint.tls
    ? connectTls({ host: endpoint.host, port: endpoint.port, servername: endpoint.host })
    : connectTcp({ host: endpoint.host, port: endpoint.port });
  socket.setNoDelay(true);
  return socket;
}
