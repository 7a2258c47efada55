// A plain Socket.IO 4 server for bench/ws-protocols.ts: websocket transport only, namespace /bench,
// acks every `ask`. A cluster of WORKERS processes shares the port (one process may hold at most
// 20,000 sockets here). Listens on 127.0.0.1 only; exits when its parent goes away.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const WORKERS = Number(process.env.WORKERS ?? 2);
if (cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  let ready = 0;
  cluster.on('message', (_worker, message) => {
    if (message === 'ready' && ++ready === WORKERS) process.send?.({ type: 'ready' });
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
} else {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, maxHttpBufferSize: 1e5 });
  io.of('/bench').on('connection', (socket) => {
    socket.on('ask', (_data, ack) => ack({ ok: true }));
  });
  http.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
  process.on('disconnect', () => process.exit(0));
}
