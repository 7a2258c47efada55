import { createServer } from 'node:http';

/**
 * The "minimal node:http server" of the benchmarks: reads the body, answers 200 "ok". Run as its
 * own process so it has a core to itself; prints its port on stdout, exits when stdin closes.
 */
const server = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
