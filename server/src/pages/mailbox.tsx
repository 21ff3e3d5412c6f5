/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { CapturedMessage } from '../delivery/mailer.js';
import { Layout } from './layout.js';

/** `2026-06-01 10:00:05 UTC`: a developer tool, so one unambiguous zone. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * The one-time code in a verification mail, so the mailbox can show it in large type
 * (the subject leads with it: see `verificationCodeMail`).
 *
 * @example codeIn({ subject: '482913 is your code for Diwali Mela', text: '…' }) // '482913'
 */
export function codeIn(message: Pick<CapturedMessage, 'subject' | 'text'>): string | null {
  if (!/\bcode\b/i.test(message.subject)) return null;
  return /\b(\d{6})\b/.exec(message.subject)?.[1] ?? /\b(\d{6})\b/.exec(message.text)?.[1] ?? null;
}

/** Where an attachment of a captured message is served. */
export function attachmentPath(id: string, filename: string): string {
  return `/dev/mailbox/${encodeURIComponent(id)}/attachments/${encodeURIComponent(filename)}`;
}

/** Plain text with its web links made clickable; everything else stays text (JSX escapes it). */
const LinkedText: FC<{ text: string }> = ({ text }) => (
  <>
    {text.split(/(https?:\/\/[^\s<>"']+)/g).map((part, i) =>
      i % 2 === 1 ? (
        <a href={part} rel="noreferrer">
          {part}
        </a>
      ) : (
        part
      ),
    )}
  </>
);

const DevNote: FC = () => (
  <p class="banner test small">Development mailbox: mail is captured here instead of being sent because SMTP_URL is not set. It never exists in production.</p>
);

/**
 * `/dev/mailbox`: captured mail, newest first, with any verification code shown
 * right in the list so trying a checkout takes no clicking around.
 *
 * @example return renderPage(c, <MailboxList messages={await mailbox.list()} />);
 */
export const MailboxList: FC<{ messages: CapturedMessage[] }> = ({ messages }) => (
  <Layout title="Mailbox (development)">
    <DevNote />
    <section class="card">
      <h1>Mailbox</h1>
      <p class="small">
        <a href="/dev/mailbox">Refresh</a> · <a href="/dev/mailbox.json">JSON</a> · {messages.length} message{messages.length === 1 ? '' : 's'}
      </p>
      {messages.length === 0 ? (
        <p class="muted">No mail yet. Mail is sent by the outbox worker a moment after a code is requested or tickets are issued.</p>
      ) : (
        messages.map((m) => {
          const code = codeIn(m);
          return (
            <div class="row">
              <div style="min-width:0">
                <a href={`/dev/mailbox/${m.id}`}>
                  <strong>{m.subject || '(no subject)'}</strong>
                </a>
                <div class="muted small" style="overflow-wrap:anywhere">
                  To {m.to} · {when(m.created_at)}
                  {m.attachments.length > 0 ? ` · ${m.attachments.length} attachment${m.attachments.length === 1 ? '' : 's'}` : ''}
                </div>
              </div>
              {code ? (
                <span class="mono" style="font-weight:700;font-size:1.25rem;white-space:nowrap">
                  {/* Screen readers ignore aria-label on a plain span: they read the code from hidden text, one digit at a time. */}
                  <span aria-hidden="true">{code}</span>
                  <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">{`code ${code.split('').join(' ')}`}</span>
                </span>
              ) : null}
            </div>
          );
        })
      )}
    </section>
  </Layout>
);

/**
 * `/dev/mailbox/:id`: one message. The text part leads (it is what we control fully),
 * then the HTML part in a sandboxed frame: no scripts, no same-origin access, so a
 * hostile name rendered into a mail cannot reach this origin.
 *
 * @example return renderPage(c, <MailboxMessage message={message} />);
 */
export const MailboxMessage: FC<{ message: CapturedMessage }> = ({ message }) => {
  const code = codeIn(message);
  return (
    <Layout title={`${message.subject} · Mailbox`}>
      <DevNote />
      <p class="small">
        <a href="/dev/mailbox">← All mail</a>
      </p>
      <section class="card">
        <h1>{message.subject || '(no subject)'}</h1>
        <dl>
          <dt>To</dt>
          <dd>{message.to}</dd>
          <dt>From</dt>
          <dd>{message.from}</dd>
          <dt>Received</dt>
          <dd>{when(message.created_at)}</dd>
        </dl>
        {code ? (
          <div class="banner info" style="text-align:center">
            <div class="small">Verification code</div>
            <div class="code">{code}</div>
          </div>
        ) : null}
        {message.attachments.length > 0 ? (
          <>
            <h2>Attachments</h2>
            <ul>
              {message.attachments.map((a) => (
                <li>
                  <a href={attachmentPath(message.id, a.filename)}>{a.filename}</a>{' '}
                  <span class="muted small">
                    {a.content_type}, {Math.max(1, Math.round(a.size / 1024))} KB
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section class="card">
        <h2>Text</h2>
        <pre class="mono small" style="white-space:pre-wrap;margin:0">
          <LinkedText text={message.text} />
        </pre>
      </section>
      <section class="card">
        <h2>HTML</h2>
        <iframe title="HTML part of the message" sandbox="" srcdoc={message.html} style="width:100%;height:32rem;border:1px solid #d1d5db;border-radius:8px;background:#fff" />
      </section>
    </Layout>
  );
};
