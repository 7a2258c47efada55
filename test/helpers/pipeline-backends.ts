import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import Stripe from 'stripe';

export const STRIPE_SECRET = 'whsec_pipeline_test_0123456789';

export interface Backend {
  port: number;
  accepted: Set<string>;
  close(): Promise<void>;
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * A backend no one here wrote the pieces of: Stripe's own library verifies each webhook
 * (stripe.webhooks.constructEvent) and a real Socket.IO server broadcasts the event (io.emit).
 */
export async function startStripeSocketIoBackend(): Promise<Backend> {
  const stripe = new Stripe('sk_test_unused');
  const accepted = new Set<string>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readBody(request).then((body) => {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(body, request.headers['stripe-signature'] as string, STRIPE_SECRET);
      } catch {
        response.writeHead(400).end('bad signature');
        return;
      }
      accepted.add(event.id);
      io.emit('stripe-event', { id: event.id, type: event.type });
      response.writeHead(200).end('ok');
    });
  });
  const io = new SocketIoServer(server, { transports: ['websocket'] });
  const port = await listen(server);
  return {
    port,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        io.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
