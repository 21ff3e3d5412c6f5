/**
 * The throughput baseline (docs/operations.md#performance-budgets): a bare `node:http` server answering `{"hello":"world"}`.
 * The benchmark runs it as a child process on the same machine, in the same run, and judges
 * the real server's public event read as a ratio of this server's requests per second.
 *
 * Run alone: `node --conditions=source --import tsx server/bench/hello-server.ts [port]` (or `PORT=…`); prints
 * `listening <port>` once it accepts connections, and stops on SIGTERM or SIGINT.
 */
import http from 'node:http';

const BODY = JSON.stringify({ hello: 'world' });
const port = Number(process.argv[2] ?? process.env.PORT ?? 8788);

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
  res.end(BODY);
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
