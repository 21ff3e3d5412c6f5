/**
 * The webhook series' receiver (webhooks.ts): a bare `node:http` server answering every POST
 * `200 ok` at once, and `GET /count` with how many POSTs it has had, so the bench can wait for
 * the server's webhook worker to catch up between runs.
 *
 * Run alone: `node --conditions=source --import tsx server/bench/webhook-receiver.ts` with `PORT=…`;
 * prints `listening <port>` once it accepts connections, and stops on SIGTERM or SIGINT.
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8789);
let received = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: received }));
    return;
  }
  // Read the body through before answering, as a real receiver verifying the signature does.
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
