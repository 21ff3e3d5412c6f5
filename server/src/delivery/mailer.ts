/**
 * The mailer port and its drivers: SMTP (nodemailer) for real delivery, and a captured
 * mailbox for development and tests (with `SMTP_URL` unset, mail is written to the
 * data dir and shown at `/dev/mailbox`).
 *
 * Nothing here retries: the outbox worker owns retries, backoff and dead letters, so a send
 * either succeeds or throws once.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type * as NodemailerModule from 'nodemailer';
import { systemClock, type Clock } from '../kernel/clock.js';
import { idPattern, newSortableId } from '../kernel/ids.js';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';

/** Loaded by the first SMTP mailer made: a server that captures mail never needs it. */
const nodemailer = loadOnFirstUse<typeof NodemailerModule>(import.meta.url, 'nodemailer');

/** A file attached to a message. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** One message to one recipient. `from` defaults to the mailer's configured sender. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  from?: string;
}

/** What a driver reports for an accepted message. */
export interface SendResult {
  /** The RFC 5322 Message-ID, e.g. `<…@host>`. */
  messageId: string;
}

/** The port the outbox worker sends through. */
export interface Mailer {
  /** Resolves once the message is accepted (by the SMTP server, or written to the mailbox). */
  send(message: MailMessage): Promise<SendResult>;
  /** Releases connections or files; the mailer is unusable afterwards. */
  close(): Promise<void>;
}

/** Options for {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** Default sender, e.g. `"Trendy Tickets <tickets@example.in>"`. */
  from: string;
}

/**
 * Connection, greeting and idle-socket timeouts, in ms. Without them a stalled server holds a
 * send for nodemailer's default idle timeout of 10 minutes, longer than any sensible outbox
 * lease; with them a stalled send fails well inside the lease, so another worker does not
 * re-send a mail that is still in flight.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * A pooled SMTP mailer. Query parameters in the URL (`?tls.rejectUnauthorized=false`,
 * `?pool=false`, …) pass through to nodemailer and win over the defaults set here.
 *
 * @throws TypeError when the URL is not `smtp:` or `smtps:`.
 * @example
 * const mailer = createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
 * await mailer.send({ to: 'a@example.in', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' });
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const url = new URL(options.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TypeError(`SMTP URL must start with smtp:// or smtps://, got '${url.protocol}'`);
  }
  // Pooling reuses one authenticated connection for a burst of ticket mails instead of a
  // TCP + TLS + AUTH handshake per message (https://nodemailer.com/smtp/pooled/).
  const defaults: Record<string, string> = { pool: 'true', ...stringify(SMTP_TIMEOUTS) };
  for (const [key, value] of Object.entries(defaults)) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  }
  // nodemailer reads only the URL when given one, so every option travels in it.
  const transport = nodemailer().createTransport(url.toString(), { from: options.from });
  return {
    async send(message) {
      const info = await transport.sendMail({
        from: message.from ?? options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: (message.attachments ?? []).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
        })),
      });
      return { messageId: String(info.messageId) };
    },
    async close() {
      transport.close();
    },
  };
}

function stringify(values: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

/** An attachment as the mailbox lists it (snake_case: it goes out as `/dev/mailbox.json`). */
export interface CapturedAttachment {
  filename: string;
  content_type: string;
  size: number;
  /** Absolute file path on disk, or null for an in-memory mailbox. */
  path: string | null;
}

/** A captured message as the mailbox lists it. */
export interface CapturedMessage {
  id: string;
  message_id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** ISO-8601 UTC. */
  created_at: string;
  attachments: CapturedAttachment[];
}

/** An attachment's bytes, read back from the mailbox. */
export interface CapturedFile {
  filename: string;
  content_type: string;
  content: Uint8Array;
}

/** A mailer that keeps what it "sends", for `/dev/mailbox` and for tests. */
export interface CapturedMailer extends Mailer {
  /** Newest first. `limit` defaults to 50. */
  list(options?: { limit?: number }): Promise<CapturedMessage[]>;
  /** The attachment's bytes, or null for an unknown message or file (never a path outside the mailbox). */
  readAttachment(id: string, filename: string): Promise<CapturedFile | null>;
}

/** Options for {@link createCapturedMailer}. */
export interface CapturedMailerOptions {
  /** Directory to write messages into; omit to keep them in memory (tests). */
  dir?: string;
  from: string;
  /** Stamps `created_at`; defaults to the system clock. */
  clock?: Clock;
}

const MESSAGE_FILE = 'message.json';
const MAIL_ID = idPattern('mail');

/**
 * Reduces a client-chosen filename to `[A-Za-z0-9._-]`, no leading dots, at most 100
 * characters. The attachment name is written to disk and later read back from a URL
 * segment, so `../../etc/passwd`, `C:\x`, NUL bytes and dotfiles must be impossible.
 *
 * @example safeFilename('../../etc/passwd') // 'etc_passwd'
 */
export function safeFilename(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._]+/, '')
    .slice(0, 100);
  return cleaned === '' || cleaned === MESSAGE_FILE ? 'attachment' : cleaned;
}

/** Unique names within one message: `ticket.pdf`, `ticket-2.pdf`, … */
function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((original) => {
    let name = safeFilename(original);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; seen.has(name); n++) name = `${stem}-${n}${ext}`;
    seen.add(name);
    return name;
  });
}

/**
 * A mailbox that captures instead of sending: on disk under `dir` (one folder per message
 * holding `message.json` and the attachments), or in memory when `dir` is omitted.
 *
 * Folder names start with the capture time and a counter, so listing the newest N reads
 * N files, not the whole mailbox.
 *
 * @example
 * const mailer = createCapturedMailer({ dir: join(dataDir, 'mailbox'), from: 'tickets@localhost' });
 * const [latest] = await mailer.list({ limit: 1 });
 */
export function createCapturedMailer(options: CapturedMailerOptions): CapturedMailer {
  const clock = options.clock ?? systemClock;
  const root = options.dir === undefined ? null : resolve(options.dir);
  const memory: { message: CapturedMessage; files: Map<string, Uint8Array> }[] = [];
  let sequence = 0;

  const folderName = (message: CapturedMessage, seq: number): string => `${String(Date.parse(message.created_at)).padStart(15, '0')}-${String(seq).padStart(6, '0')}-${message.id}`;

  async function findFolder(dir: string, id: string): Promise<string | null> {
    const entries = await readdir(dir).catch(() => [] as string[]);
    const found = entries.find((entry) => entry.endsWith(`-${id}`));
    return found === undefined ? null : join(dir, found);
  }

  return {
    async send(message) {
      const id = newSortableId('mail');
      const names = uniqueNames((message.attachments ?? []).map((a) => a.filename));
      const captured: CapturedMessage = {
        id,
        message_id: `<${id}@mailbox.tts.invalid>`,
        to: message.to,
        from: message.from ?? options.from,
        subject: message.subject,
        text: message.text,
        html: message.html,
        created_at: clock.now().toISOString(),
        attachments: [],
      };
      sequence = (sequence + 1) % 1_000_000;
      const seq = sequence;
      const dir = root === null ? null : join(root, folderName(captured, seq));
      captured.attachments = (message.attachments ?? []).map((a, i) => ({
        filename: names[i] ?? 'attachment',
        content_type: a.contentType,
        size: a.content.byteLength,
        path: dir === null ? null : join(dir, names[i] ?? 'attachment'),
      }));
      if (dir === null) {
        const files = new Map<string, Uint8Array>();
        (message.attachments ?? []).forEach((a, i) => {
          files.set(names[i] ?? 'attachment', Uint8Array.from(a.content));
        });
        memory.push({ message: captured, files });
      } else {
        await mkdir(dir, { recursive: true });
        await Promise.all((message.attachments ?? []).map((a, i) => writeFile(join(dir, names[i] ?? 'attachment'), a.content)));
        // Written last: a folder without message.json is an interrupted capture and is skipped.
        await writeFile(join(dir, MESSAGE_FILE), JSON.stringify(captured, null, 2));
      }
      return { messageId: captured.message_id };
    },

    async list({ limit = 50 } = {}) {
      const max = Math.max(0, Math.min(Math.floor(limit), 1000));
      if (root === null) {
        return memory
          .slice(Math.max(0, memory.length - max))
          .reverse()
          .map((m) => structuredClone(m.message));
      }
      const entries = (await readdir(root).catch(() => [] as string[])).filter((e) => /^\d{15}-\d{6}-mail_/.test(e));
      entries.sort().reverse();
      const out: CapturedMessage[] = [];
      for (const entry of entries) {
        if (out.length >= max) break;
        const raw = await readFile(join(root, entry, MESSAGE_FILE), 'utf8').catch(() => null);
        if (raw !== null) out.push(JSON.parse(raw) as CapturedMessage);
      }
      return out;
    },

    async readAttachment(id, filename) {
      // Both parts are checked before touching the disk: the id against the id format, the
      // filename by being its own sanitised form (so nothing with `/`, `\` or `..` passes).
      if (!MAIL_ID.test(id) || safeFilename(filename) !== filename) return null;
      if (root === null) {
        const entry = memory.find((m) => m.message.id === id);
        const content = entry?.files.get(filename);
        const meta = entry?.message.attachments.find((a) => a.filename === filename);
        return content && meta ? { filename, content_type: meta.content_type, content: Uint8Array.from(content) } : null;
      }
      const dir = await findFolder(root, id);
      if (dir === null) return null;
      const raw = await readFile(join(dir, MESSAGE_FILE), 'utf8').catch(() => null);
      const meta = raw === null ? undefined : (JSON.parse(raw) as CapturedMessage).attachments.find((a) => a.filename === filename);
      if (!meta) return null;
      const path = resolve(dir, filename);
      if (!path.startsWith(root + sep)) return null; // belt and braces: never leave the mailbox
      const content = await readFile(path).catch(() => null);
      return content === null ? null : { filename, content_type: meta.content_type, content: new Uint8Array(content) };
    },

    async close() {
      memory.length = 0;
    },
  };
}
