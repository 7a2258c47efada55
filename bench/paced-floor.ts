/**
 * The CPU floor of pacing in Node.js: the least a generator can do and still send each request at
 * its intended time, for `bench:webhook`'s open-model rows. One fixed unsigned request (no signing,
 * no templates), keep-alive sockets, and the same timer discipline as pushbench's pacer (every due
 * request at each wake-up, then a timer until the next one is due); responses are only counted,
 * nothing is measured. What pushbench spends above this is its own work (signing, measuring); what
 * this spends above `autocannon -R` is the price of pacing: autocannon sends each connection's
 * quota for the second back to back when the second starts, then idles.
 *
 *   npx tsx bench/paced-floor.ts <url> <rate/s> <seconds> [connections=128]
 *
 * Prints one JSON line: { sent, answered, seconds }. Loopback only; ends by itself.
 */
import { connect, type Socket } from 'node:net';

const [urlText, rateText, secondsText, connectionsText = '128'] = process.argv.slice(2);
const url = new URL(urlText!);
if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error('paced-floor loads loopback only');
const rate = Number(rateText);
const seconds = Number(secondsText);
const connections = Number(connectionsText);
const body = 'a'.repeat(512);
const request = Buffer.from(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`, 'latin1');

const idle: Socket[] = [];
let sent = 0;
let answered = 0;
let waiting = 0;
for (let i = 0; i < connections; i++) {
  const socket = connect(Number(url.port), url.hostname);
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    // One small response per request: count status lines.
    for (let at = chunk.indexOf('HTTP/1.1 '); at >= 0; at = chunk.indexOf('HTTP/1.1 ', at + 9)) answered++;
    if (waiting > 0) {
      waiting--;
      socket.write(request);
    } else idle.push(socket);
  });
  socket.once('connect', () => idle.push(socket));
}

const send = (): void => {
  sent++;
  const socket = idle.pop();
  if (socket) socket.write(request);
  else waiting++;
};

await new Promise((resolve) => setTimeout(resolve, 200)); // connect
const intervalUs = 1e6 / rate;
const total = Math.round(rate * seconds);
const startUs = Number(process.hrtime.bigint() / 1000n);
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
await new Promise<void>((done) => {
  const step = (): void => {
    const now = nowUs();
    while (sent < total && startUs + sent * intervalUs <= now) send();
    if (sent >= total) return done();
    setTimeout(step, Math.max(1, Math.ceil((startUs + sent * intervalUs - nowUs()) / 1000)));
  };
  step();
});
const deadline = Date.now() + 2_000;
while (answered < sent && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
process.stdout.write(`${JSON.stringify({ sent, answered, seconds: (nowUs() - startUs) / 1e6 })}\n`);
process.exit(0);
