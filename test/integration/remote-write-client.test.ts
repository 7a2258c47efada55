import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteWriteClient } from '../../src/outputs/prometheus/remote-write-client.js';
import { decodeWriteRequest, encodeWriteRequest } from '../../src/outputs/prometheus/write-request.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  path: string;
}

/** A real HTTP server on 127.0.0.1:0 answering the n-th request with statuses[n] (the last one repeats). */
async function endpoint(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks), path: request.url ?? '' });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `out of order sample\nsecond line` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const BODY = encodeWriteRequest([{ labels: [{ name: '__name__', value: 'pushbench_webhook_ok_total' }], samples: [{ value: 7, timestamp: 1_700_000_000_000 }] }]);
const FAST = { timeoutMs: 2_000, retries: 2, backoffMs: 10 };

describe('RemoteWriteClient against a real HTTP server', () => {
  it('POSTs the snappy protobuf with the remote-write 1.0 headers', async () => {
    const { url, received } = await endpoint([204]);
    const client = new RemoteWriteClient(new URL(url));
    expect(await client.write(BODY, FAST)).toEqual({ ok: true, attempts: 1 });
    client.close();
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/api/v1/write');
    expect(received[0]!.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
    });
    expect(received[0]!.headers.authorization).toBeUndefined();
    expect(decodeWriteRequest(received[0]!.body)[0]!.samples[0]!.value).toBe(7);
  });

  it('retries 5xx and 429 with backoff until one succeeds', async () => {
    const { url, received } = await endpoint([503, 429, 200]);
    const client = new RemoteWriteClient(new URL(url));
    expect(await client.write(BODY, FAST)).toEqual({ ok: true, attempts: 3 });
    client.close();
    expect(received).toHaveLength(3);
  });

  it('gives up after its retries, naming the last status and the first line of the answer', async () => {
    const { url, received } = await endpoint([500]);
    const client = new RemoteWriteClient(new URL(url));
    expect(await client.write(BODY, FAST)).toEqual({ ok: false, attempts: 3, problem: 'HTTP 500: out of order sample second line' });
    client.close();
    expect(received).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    for (const status of [400, 401, 404]) {
      const { url, received } = await endpoint([status]);
      const client = new RemoteWriteClient(new URL(url));
      const outcome = await client.write(BODY, FAST);
      client.close();
      expect(outcome).toMatchObject({ ok: false, attempts: 1 });
      expect(received).toHaveLength(1);
    }
  });

  it('sends URL credentials as Basic auth and never shows them', async () => {
    const { url, received } = await endpoint([200]);
    const withCredentials = new URL(url);
    withCredentials.username = 'bench';
    withCredentials.password = 's3cret token';
    withCredentials.search = '?token=abc';
    const client = new RemoteWriteClient(withCredentials);
    expect(client.shownUrl).toBe(url);
    expect(await client.write(BODY, FAST)).toMatchObject({ ok: true });
    client.close();
    expect(received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('bench:s3cret token').toString('base64')}`);
    expect(received[0]!.path).toBe('/api/v1/write?token=abc');
  });

  it('a refused connection is retried, then reported, without throwing', async () => {
    const { url, server } = await endpoint([200]);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    servers.length = 0;
    const client = new RemoteWriteClient(new URL(url));
    const outcome = await client.write(BODY, FAST);
    client.close();
    expect(outcome).toMatchObject({ ok: false, attempts: 3 });
    expect(outcome.problem).toContain('ECONNREFUSED');
  });

  it('a server that never answers costs at most the timeout per attempt', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push(silent);
    const client = new RemoteWriteClient(new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/w`));
    const started = Date.now();
    const outcome = await client.write(BODY, { timeoutMs: 200, retries: 1, backoffMs: 10 });
    client.close();
    expect(outcome).toEqual({ ok: false, attempts: 2, problem: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an abort gives up the attempt under way and the retries left, at once, with the abort\'s reason', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push(silent);
    const client = new RemoteWriteClient(new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/w`));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('abandoned for the final write')), 150);
    const outcome = await client.write(BODY, { timeoutMs: 10_000, retries: 2, backoffMs: 10 }, controller.signal);
    expect(outcome).toEqual({ ok: false, attempts: 1, problem: 'abandoned for the final write' });
    expect(Date.now() - started).toBeLessThan(5_000); // not the 10 s timeout

    // In a backoff wait: no further attempt.
    const { url, received } = await endpoint([503]);
    const backingOff = new RemoteWriteClient(new URL(url));
    const during = new AbortController();
    const waitStarted = Date.now();
    setTimeout(() => during.abort(new Error('gone')), 300);
    expect(await backingOff.write(BODY, { timeoutMs: 2_000, retries: 3, backoffMs: 20_000 }, during.signal)).toEqual({ ok: false, attempts: 1, problem: 'gone' });
    expect(Date.now() - waitStarted).toBeLessThan(10_000);
    expect(received).toHaveLength(1);
    client.close();
    backingOff.close();
  });
});
