import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import type { CapturedMailer, CapturedMessage } from '../../delivery/mailer.js';
import { idPattern } from '../../kernel/ids.js';
import { renderPage } from '../../pages/layout.js';
import { attachmentPath, MailboxList, MailboxMessage } from '../../pages/mailbox.js';
import type { AppEnv } from '../context.js';

const MAIL_ID = idPattern('mail');
/** The captured mailer keeps everything; a page shows the newest this many. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** Content types we serve as given; anything odd is sent as opaque bytes. */
const SIMPLE_CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/**
 * The captured mailbox, or null when it must not exist: no captured mailer (SMTP is
 * configured) or production, where the mailbox would publish every buyer's mail.
 */
function mailboxOf(c: Context<AppEnv>): CapturedMailer | null {
  const { mailbox, config } = c.var.deps;
  return mailbox !== null && config.env !== 'production' ? mailbox : null;
}

function limitOf(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('limit') ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT;
}

/** The shape docs/operations.md#development-mailbox documents: no disk paths, absolute attachment URLs for scripts. */
function toJson(message: CapturedMessage, publicUrl: string) {
  return {
    id: message.id,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    created_at: message.created_at,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      content_type: a.content_type,
      url: `${publicUrl}${attachmentPath(message.id, a.filename)}`,
    })),
  };
}

/**
 * `/dev/mailbox`, `/dev/mailbox.json`, `/dev/mailbox/:id` and its attachments
 * (docs/operations.md#development-mailbox): where a developer reads the codes and tickets the server "sent" while
 * SMTP is not configured. Answers 404, exactly like an unknown route, whenever the
 * mailbox is off, so production does not even reveal that it exists.
 *
 * @example
 * app.route('/', mailboxRoutes());
 */
export function mailboxRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/dev/mailbox.json', async function mailboxJson(c) {
    const mailbox = mailboxOf(c);
    if (!mailbox) return c.notFound();
    const publicUrl = c.var.deps.config.publicUrl;
    c.header('Cache-Control', 'no-store');
    return c.json((await mailbox.list({ limit: limitOf(c) })).map((m) => toJson(m, publicUrl)));
  });

  router.get('/dev/mailbox', async function mailboxPage(c) {
    const mailbox = mailboxOf(c);
    if (!mailbox) return c.notFound();
    return renderPage(c, jsx(MailboxList, { messages: await mailbox.list({ limit: limitOf(c) }) }));
  });

  router.get('/dev/mailbox/:id', async function mailboxMessage(c) {
    const mailbox = mailboxOf(c);
    if (!mailbox) return c.notFound();
    const id = c.req.param('id');
    // The mailer has no lookup by id; a development mailbox is small enough to scan.
    const message = MAIL_ID.test(id) ? (await mailbox.list({ limit: 1000 })).find((m) => m.id === id) : undefined;
    if (!message) return c.notFound();
    return renderPage(c, jsx(MailboxMessage, { message }));
  });

  router.get('/dev/mailbox/:id/attachments/:filename', async function mailboxAttachment(c) {
    const mailbox = mailboxOf(c);
    if (!mailbox) return c.notFound();
    // readAttachment refuses anything but a well-formed id and an already-safe filename,
    // so `..%2F..%2Fetc%2Fpasswd` (decoded by the router) never reaches the disk.
    const file = await mailbox.readAttachment(c.req.param('id'), c.req.param('filename'));
    if (!file) return c.notFound();
    const type = SIMPLE_CONTENT_TYPE.test(file.content_type) ? file.content_type : 'application/octet-stream';
    // PDFs (our tickets) open in the browser's viewer, which a CSP sandbox would block;
    // anything else downloads, and even if opened runs nothing and reaches nothing here.
    const pdf = type === 'application/pdf';
    return c.body(new Uint8Array(file.content), 200, {
      'Content-Type': type,
      'Content-Disposition': `${pdf ? 'inline' : 'attachment'}; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      ...(pdf ? {} : { 'Content-Security-Policy': "default-src 'none'; sandbox" }),
    });
  });

  return router;
}
