import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A real SMTP server on 127.0.0.1 that keeps every message it accepts, for tests.
 * No TLS and no auth, so nodemailer talks plain SMTP to it; it can be stopped and started
 * again on the same port to play an outage.
 */
export interface SmtpSink {
  /** The port it listens on (chosen by the OS at the first start). */
  readonly port: number;
  readonly url: string;
  /** Raw messages in arrival order. */
  readonly received: Buffer[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Parses every received message (mailparser). */
  parsed(): Promise<ParsedMail[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: Buffer[] = [];
  let port = 0;
  let server: SMTPServer | null = null;
  let connections = 0;

  const sink: SmtpSink = {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    get connections() {
      return connections;
    },
    parsed: () => Promise.all(received.map((raw) => simpleParser(raw))),
    async start() {
      const next = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        // Pooled clients keep connections open; do not wait 30 s for them on stop().
        closeTimeout: 1,
        onConnect(_session, callback) {
          connections++;
          callback();
        },
        onData(stream, _session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          // The 250 reply goes out only after the message is stored, so a resolved send means "received".
          stream.on('end', () => {
            received.push(Buffer.concat(chunks));
            callback();
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => resolve());
      });
      const address = next.server.address();
      if (typeof address === 'object' && address) port = address.port;
      server = next;
    },
    async stop() {
      const current = server;
      server = null;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
  await sink.start();
  return sink;
}
