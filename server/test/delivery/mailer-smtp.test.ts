import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/delivery/mailer.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

describe('createSmtpMailer (against a real SMTP server)', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
  });

  it('delivers subject, text, html and attachment bytes intact', async () => {
    const mailer = createSmtpMailer({ url: sink.url, from: 'Trendy Tickets <tickets@tts.test>' });
    const pdf = new Uint8Array(4096).map((_, i) => (i * 31) % 256); // every byte value, binary-safe
    const result = await mailer.send({
      to: 'asha@example.in',
      subject: 'Your tickets for संगीत संध्या',
      text: 'Plain part ✓',
      html: '<p>HTML part ✓</p>',
      attachments: [{ filename: 'ticket-tkt_1.pdf', contentType: 'application/pdf', content: pdf }],
    });
    await mailer.close();

    expect(result.messageId).toMatch(/^<.+@.+>$/);
    const [mail] = await sink.parsed();
    expect(mail?.subject).toBe('Your tickets for संगीत संध्या');
    expect(mail?.from?.value).toEqual([{ name: 'Trendy Tickets', address: 'tickets@tts.test' }]);
    expect(mail?.messageId).toBe(result.messageId);
    expect(mail?.text?.trim()).toBe('Plain part ✓');
    expect(mail?.html).toContain('<p>HTML part ✓</p>');
    expect(mail?.attachments).toHaveLength(1);
    expect(mail?.attachments[0]?.filename).toBe('ticket-tkt_1.pdf');
    expect(mail?.attachments[0]?.contentType).toBe('application/pdf');
    expect(new Uint8Array(mail?.attachments[0]?.content ?? [])).toEqual(pdf);
  });

  it('lets a message override the sender and reuses one pooled connection for consecutive sends', async () => {
    const before = sink.received.length;
    const connectionsBefore = sink.connections;
    const mailer = createSmtpMailer({ url: sink.url, from: 'tickets@tts.test' });
    for (const n of [1, 2, 3]) {
      await mailer.send({ to: `guest${n}@example.in`, from: 'events@tts.test', subject: `n${n}`, text: 't', html: '<p>t</p>' });
    }
    await mailer.close();
    expect(sink.connections - connectionsBefore).toBe(1);
    const mails = (await sink.parsed()).slice(before);
    expect(mails.map((m) => m.subject).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(mails.every((m) => m.from?.text === 'events@tts.test')).toBe(true);
  });

  it('rejects a send when nothing listens, and refuses non-SMTP URLs up front', async () => {
    const down = await startSmtpSink();
    const url = down.url;
    await down.stop();
    const mailer = createSmtpMailer({ url, from: 'tickets@tts.test' });
    await expect(mailer.send({ to: 'a@example.in', subject: 's', text: 't', html: 'h' })).rejects.toThrow(/ECONNREFUSED/);
    await mailer.close();
    expect(() => createSmtpMailer({ url: 'http://127.0.0.1:25', from: 'x@tts.test' })).toThrow(TypeError);
  });
});
