/**
 * Oversized request bodies over real TCP (security, robustness).
 *
 * `app.request()` cannot show this: whether the client reads its 413 depends on what the
 * server does with the bytes still on the wire. If it closes the connection while the client
 * is still sending, the client's next write fails (EPIPE, ECONNRESET) and the reset can
 * discard the answer before it is read. So this runs the real server process and sends each
 * body from a raw socket, in chunks, honouring backpressure as a real client does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const BODY_BYTES = 5 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const ROUNDS = 50;

let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-oversized-'));
  server = await startServer({ TTS_DATA_DIR: dataDir });
}, 30_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

interface RawReply {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** A socket error seen while sending or reading (EPIPE, ECONNRESET), or null. */
  error: string | null;
}

/**
 * POSTs `BODY_BYTES` of body to `path` from a raw socket, chunk by chunk, and reads one whole
 * response: the status line, the headers and `Content-Length` bytes of body.
 */
function sendOversized(path: string, framing: 'content-length' | 'chunked'): Promise<RawReply> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let error: string | null = null;
    let done = false;
    let allSent = false;

    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = (end === -1 ? text : text.slice(0, end)).split('\r\n');
      const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: end === -1 ? '' : received.subarray(end + 4).toString('utf8'), error });
    };
    /** The whole response is in once the headers and `Content-Length` bytes of body are. */
    const complete = () => {
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(received.subarray(0, end).toString('latin1'))?.[1];
      return length !== undefined && received.length >= end + 4 + Number(length);
    };

    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (allSent && complete()) finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
      finish();
    });
    socket.on('close', finish);

    socket.on('connect', async () => {
      const framingHeader = framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY_BYTES}`;
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n${framingHeader}\r\n\r\n`);
      // Like most clients (curl, Node's http.request), send the whole body before reading the answer.
      for (let sent = 0; sent < BODY_BYTES && !done; sent += CHUNK.length) {
        const piece = framing === 'chunked' ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]) : CHUNK;
        if (!socket.write(piece)) await new Promise<void>((drained) => socket.once('drain', drained).once('close', drained));
      }
      if (framing === 'chunked' && !done) socket.write('0\r\n\r\n');
      if (done) return;
      // Every byte handed to the kernel: now the answer must be there, or arrive.
      socket.write('', () => {
        allSent = true;
        if (complete()) finish();
      });
    });
  });
}

describe('a body over the limit', () => {
  it.each(['content-length', 'chunked'] as const)(
    `gets a complete 413 with the JSON error, ${ROUNDS} times in a row, never a reset (%s)`,
    async (framing) => {
      const problems: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const reply = await sendOversized('/v1/events', framing);
        let code: unknown;
        try {
          code = (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;
        } catch {
          code = `unparsable body: ${reply.body.slice(0, 80)}`;
        }
        if (reply.error !== null || reply.status !== 413 || code !== 'PAYLOAD_TOO_LARGE') {
          problems.push(`round ${round}: status ${reply.status}, code ${String(code)}, socket error ${reply.error}`);
        }
      }
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('keeps serving other requests afterwards', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
