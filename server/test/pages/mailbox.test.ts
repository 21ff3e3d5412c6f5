import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/http/context.js';
import { PAGE_CSP } from '../../src/pages/layout.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

/** The test app's dependencies with some replaced, for apps the helper cannot build. */
function depsWith(overrides: Partial<AppDeps>): AppDeps {
  const { config, store, clock, logger, services, mailbox } = t;
  return { config, store, clock, logger, services, mailer: mailbox, mailbox, ...overrides };
}

const PDF_BYTES = new TextEncoder().encode('%PDF-1.3\n%fake ticket\n');

async function sendCodeMail(code = '482913', to = 'asha@example.com') {
  await t.mailbox.send({
    to,
    subject: `${code} is your code for Monsoon Jazz Night`,
    text: `Hi Asha,\n\nYour verification code is:\n\n    ${code}\n\nSee https://tickets.test/tickets/tkt_x`,
    html: `<p>Your code is <strong>${code}</strong></p>`,
  });
}

beforeEach(async () => {
  t = await buildTestApp();
});

describe('mailbox (happy)', () => {
  it('lists captured mail newest first, with the code readable in the list', async () => {
    await sendCodeMail('111111', 'first@example.com');
    t.clock.advance(1000);
    await sendCodeMail('222222', 'second@example.com');
    const res = await t.app.request('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toBe(PAGE_CSP);
    const html = await res.text();
    expect(html.indexOf('second@example.com')).toBeGreaterThan(-1);
    expect(html.indexOf('second@example.com')).toBeLessThan(html.indexOf('first@example.com'));
    expect(html).toContain('222222');
    expect(html).toContain('2030-06-01 10:00:01 UTC');
    expect(html).not.toMatch(/<script/i);
  });

  it('shows one message with its code, text part, sandboxed HTML part and attachment links', async () => {
    await t.mailbox.send({
      to: 'asha@example.com',
      subject: '654321 is your code for Monsoon Jazz Night',
      text: 'Your code: 654321\nOpen https://tickets.test/tickets/tkt_abc to see it.',
      html: '<p>Your code is <b>654321</b></p>',
      attachments: [{ filename: 'ticket-tkt_abc.pdf', contentType: 'application/pdf', content: PDF_BYTES }],
    });
    const [message] = await t.mailbox.list();
    const res = await t.app.request(`/dev/mailbox/${message?.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div class="code">654321</div>');
    expect(html).toContain('<a href="https://tickets.test/tickets/tkt_abc" rel="noreferrer">');
    expect(html).toContain('sandbox=""');
    expect(html).toContain('srcdoc="&lt;p&gt;Your code is &lt;b&gt;654321&lt;/b&gt;&lt;/p&gt;"');
    expect(html).toContain(`href="/dev/mailbox/${message?.id}/attachments/ticket-tkt_abc.pdf"`);
  });

  it('lists mail as JSON in the documented shape with absolute attachment URLs', async () => {
    await sendCodeMail('111111');
    t.clock.advance(1000);
    await t.mailbox.send({
      to: 'asha@example.com',
      subject: 'Your tickets',
      text: 'Tickets attached',
      html: '<p>Tickets</p>',
      attachments: [{ filename: 'ticket.pdf', contentType: 'application/pdf', content: PDF_BYTES }],
    });
    const res = await t.call('GET', '/dev/mailbox.json');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    const [latest, older] = res.body;
    expect(Object.keys(latest).sort()).toEqual(['attachments', 'created_at', 'html', 'id', 'subject', 'text', 'to']);
    expect(latest).toMatchObject({ to: 'asha@example.com', subject: 'Your tickets', created_at: '2030-06-01T10:00:01.000Z' });
    expect(latest.attachments).toEqual([{ filename: 'ticket.pdf', content_type: 'application/pdf', url: `http://tickets.test/dev/mailbox/${latest.id}/attachments/ticket.pdf` }]);
    expect(older.subject).toBe('111111 is your code for Monsoon Jazz Night');
  });

  it('serves an attachment with its content type and disposition', async () => {
    await t.mailbox.send({
      to: 'a@example.com',
      subject: 'Tickets',
      text: 't',
      html: 'h',
      attachments: [
        { filename: 'ticket.pdf', contentType: 'application/pdf', content: PDF_BYTES },
        { filename: 'notes.html', contentType: 'text/html', content: new TextEncoder().encode('<script>alert(1)</script>') },
      ],
    });
    const [message] = await t.mailbox.list();
    const pdf = await t.app.request(`/dev/mailbox/${message?.id}/attachments/ticket.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('Content-Type')).toBe('application/pdf');
    expect(pdf.headers.get('Content-Disposition')).toBe('inline; filename="ticket.pdf"');
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(PDF_BYTES);
    const other = await t.app.request(`/dev/mailbox/${message?.id}/attachments/notes.html`);
    expect(other.headers.get('Content-Disposition')).toBe('attachment; filename="notes.html"');
    expect(other.headers.get('Content-Security-Policy')).toContain('sandbox');
  });
});

describe('mailbox (errors)', () => {
  it('answers unknown messages and attachments with 404', async () => {
    await sendCodeMail();
    const [message] = await t.mailbox.list();
    expect((await t.app.request('/dev/mailbox/mail_00000000000000000000')).status).toBe(404);
    expect((await t.app.request('/dev/mailbox/not-an-id')).status).toBe(404);
    expect((await t.app.request(`/dev/mailbox/${message?.id}/attachments/missing.pdf`)).status).toBe(404);
  });

  it('shows an empty mailbox plainly', async () => {
    const html = await (await t.app.request('/dev/mailbox')).text();
    expect(html).toContain('No mail yet');
    expect(await (await t.app.request('/dev/mailbox.json')).json()).toEqual([]);
  });
});

describe('mailbox (security)', () => {
  it('does not exist when there is no captured mailbox (SMTP configured)', async () => {
    const app = createApp(depsWith({ mailbox: null }));
    for (const path of ['/dev/mailbox', '/dev/mailbox.json', '/dev/mailbox/mail_00000000000000000000']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it('does not exist in production, even with a captured mailbox', async () => {
    await sendCodeMail();
    const [message] = await t.mailbox.list();
    const app = createApp(depsWith({ config: { ...t.config, env: 'production' } }));
    for (const path of ['/dev/mailbox', '/dev/mailbox.json', `/dev/mailbox/${message?.id}`]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('482913');
    }
  });

  it('refuses path traversal in attachment names', async () => {
    await t.mailbox.send({
      to: 'a@example.com',
      subject: 'x',
      text: 'x',
      html: 'x',
      attachments: [{ filename: 'ticket.pdf', contentType: 'application/pdf', content: PDF_BYTES }],
    });
    const [message] = await t.mailbox.list();
    for (const name of ['..%2F..%2F..%2Fetc%2Fpasswd', '..%2Fmessage.json', '.ticket.pdf', 'message.json']) {
      const res = await t.app.request(`/dev/mailbox/${message?.id}/attachments/${name}`);
      expect(res.status, name).toBe(404);
    }
  });

  it('keeps a hostile mail body inert: escaped into a sandboxed frame, never live markup', async () => {
    await t.mailbox.send({
      to: 'a@example.com',
      subject: '<script>alert(1)</script>',
      text: '<script>alert(2)</script> javascript:alert(3)',
      html: '<script>alert(4)</script><img src=x onerror=alert(5)>"',
    });
    const [message] = await t.mailbox.list();
    for (const path of ['/dev/mailbox', `/dev/mailbox/${message?.id}`]) {
      const html = await (await t.app.request(path)).text();
      expect(html, path).not.toMatch(/<script/i);
      expect(html, path).not.toContain('<img');
      expect(html, path).not.toContain('href="javascript:');
    }
  });
});
