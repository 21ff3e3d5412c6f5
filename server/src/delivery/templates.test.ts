import { describe, expect, it } from 'vitest';
import {
  emailVerificationMail,
  escapeHtml,
  passwordResetMail,
  passwordResetUnknownMail,
  refundNoticeMail,
  eventCancelledMail,
  ticketsMail,
  verificationCodeMail,
  webhookEndpointDisabledMail,
} from './templates.js';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const OUR_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'p', 'strong', 'a', 'ol', 'ul', 'li', 'br']);

/** Only the template's own tags are markup; nothing from the hostile input became a tag or a handler. */
function expectInert(html: string): void {
  // Quoted attribute values are inert as long as they cannot close their quotes (checked below).
  expect(html).not.toContain('"x"');
  html = html.replace(/"[^"]*"/g, '""');
  const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]?.toLowerCase());
  expect(tags.filter((tag) => !OUR_TAGS.has(tag ?? ''))).toEqual([]);
  expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
}

describe('verificationCodeMail', () => {
  const mail = verificationCodeMail({ code: '482913', eventName: 'Diwali Mela', buyerName: 'Asha' });

  it('puts the code first in the subject and in both parts, with the 10-minute expiry', () => {
    expect(mail.subject).toBe('482913 is your code for Diwali Mela');
    expect(mail.text).toContain('482913');
    expect(mail.text).toContain('expires in 10 minutes');
    expect(mail.html).toContain('482913');
    expect(mail.html).toContain('expires in 10 minutes');
    expect(mail.html).toMatch(/^<!doctype html><html lang="en">/);
  });

  it('escapes hostile names and keeps the subject on one line', () => {
    const hostile = verificationCodeMail({ code: '111111', eventName: `Gala\r\nBcc: victim@example.com ${HOSTILE}`, buyerName: HOSTILE });
    expectInert(hostile.html);
    expect(hostile.html).toContain('&#60;script&#62;');
    expect(hostile.subject).not.toMatch(/[\r\n]/);
  });
});

describe('ticketsMail', () => {
  const tickets = [
    { id: 'tkt_A', url: 'https://t.example/tickets/tkt_A', ticketTypeName: 'VIP', holderName: 'Asha', pdf: new Uint8Array([1]) },
    { id: 'tkt_B', url: 'https://t.example/tickets/tkt_B', ticketTypeName: 'General', holderName: 'Ravi', pdf: new Uint8Array([2]) },
  ];
  const mail = ticketsMail({
    eventName: 'Diwali Mela',
    venue: 'JLN Stadium',
    startsAt: '2026-11-08T12:30:00Z',
    timezone: 'Asia/Kolkata',
    buyerName: 'Asha',
    orderId: 'ord_1',
    tickets,
  });

  it('marks test-mode tickets TEST in the subject and above everything else, and links the find-my-tickets page', () => {
    const test = ticketsMail({
      eventName: 'Diwali Mela',
      startsAt: '2026-11-08T12:30:00Z',
      timezone: 'Asia/Kolkata',
      buyerName: 'Asha',
      tickets,
      testMode: true,
      findUrl: 'https://t.example/tickets/find',
    });
    expect(test.subject).toBe('[TEST] Your tickets for Diwali Mela');
    expect(test.text.split('\n')[0]).toBe('TEST TICKET: made in test mode, not valid for entry. No money was taken.');
    expect(test.html).toContain('TEST TICKET: made in test mode, not valid for entry.');
    expect(test.text).toContain('Lost this email? Find all your tickets at https://t.example/tickets/find');
    expect(test.html).toContain('href="https://t.example/tickets/find"');
    expect(mail.subject).not.toContain('TEST');
    expect(mail.text).not.toContain('TEST TICKET');
  });

  it('lists what the money was for, in text and HTML, escaped, ending in the total; nothing for a free order', () => {
    const charged = ticketsMail({
      eventName: 'Diwali Mela',
      startsAt: '2026-11-08T12:30:00Z',
      timezone: 'Asia/Kolkata',
      buyerName: 'Asha',
      tickets,
      charges: {
        lines: [
          { label: '2 × <VIP>', amount: 100_000 },
          { label: 'IGST', amount: 18_000 },
        ],
        total: 118_000,
      },
    });
    expect(charged.text).toContain('2 × <VIP>: INR 1,000.00\nIGST: INR 180.00\nTotal: INR 1,180.00');
    expect(charged.html).toContain('2 × &#60;VIP&#62;');
    expect(charged.html).toContain('<strong>INR 1,180.00</strong>');
    const free = ticketsMail({
      eventName: 'Diwali Mela',
      startsAt: '2026-11-08T12:30:00Z',
      timezone: 'Asia/Kolkata',
      buyerName: 'Asha',
      tickets,
      charges: { lines: [], total: 0 },
    });
    expect(free.text).not.toContain('Total');
  });

  it('lists every ticket with its id, type, holder and link, and the start in the event time zone', () => {
    expect(mail.subject).toBe('Your tickets for Diwali Mela');
    for (const t of tickets) {
      expect(mail.text).toContain(t.id);
      expect(mail.text).toContain(t.url);
      expect(mail.text).toContain(t.ticketTypeName);
      expect(mail.html).toContain(`href="${t.url}"`);
      expect(mail.html).toContain(t.holderName);
    }
    expect(mail.text).toContain('Sun, 8 Nov, 2026, 6:00 pm IST');
    expect(mail.html).toContain('Where: JLN Stadium');
  });

  it('attaches one PDF per ticket', () => {
    expect(mail.attachments).toEqual([
      { filename: 'ticket-tkt_A.pdf', contentType: 'application/pdf', content: new Uint8Array([1]) },
      { filename: 'ticket-tkt_B.pdf', contentType: 'application/pdf', content: new Uint8Array([2]) },
    ]);
  });

  it('escapes hostile holder and event names and never links a non-web URL', () => {
    const hostile = ticketsMail({
      eventName: HOSTILE,
      startsAt: '2026-11-08T12:30:00Z',
      timezone: 'Asia/Kolkata',
      buyerName: HOSTILE,
      tickets: [{ id: 'tkt_X', url: 'javascript:alert(1)', ticketTypeName: HOSTILE, holderName: HOSTILE }],
    });
    expectInert(hostile.html);
    expect(hostile.html).not.toContain('javascript:');
    expect(hostile.html).toContain('Ticket tkt_X');
    expect(hostile.subject).toBe(`Your ticket for ${HOSTILE}`); // plain text in a header: nothing to escape
    expect(hostile.attachments).toBeUndefined();
  });
});

describe('refundNoticeMail', () => {
  it('states the amount as INR, the order and the voided tickets', () => {
    const mail = refundNoticeMail({ eventName: 'Diwali Mela', buyerName: HOSTILE, orderId: 'ord_1', amount: 299_800, ticketIds: ['tkt_A', 'tkt_B'] });
    expect(mail.subject).toBe('Refund of INR 2,998.00 for Diwali Mela');
    expect(mail.text).toContain('INR 2,998.00');
    expect(mail.text).toContain('- tkt_B');
    expect(mail.html).toContain('<li>tkt_A</li>');
    expectInert(mail.html);
  });
});

describe('eventCancelledMail', () => {
  it('says the event is cancelled with the organizer’s reason and the refund, escaping both', () => {
    const mail = eventCancelledMail({ eventName: 'Diwali Mela', buyerName: 'Asha', orderId: 'ord_1', reason: HOSTILE, refunded: 299_800 });
    expect(mail.subject).toBe('Diwali Mela is cancelled');
    expect(mail.text).toContain('We have refunded INR 2,998.00 for your order');
    expect(mail.text).toContain(`The organizer says: ${HOSTILE}`);
    expectInert(mail.html);
  });

  it('promises no refund when the order was not refunded', () => {
    const mail = eventCancelledMail({ eventName: 'Diwali Mela', buyerName: 'Asha', orderId: 'ord_1', reason: null, refunded: null });
    expect(mail.text).toContain('The organizer will tell you about any refund');
    expect(mail.text).not.toContain('organizer says');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });
});

describe('console sign-in mails', () => {
  it('gives the reset link, its 30-minute single use, and what to do if it was not you', () => {
    const mail = passwordResetMail({ url: 'https://tickets.example.com/console/reset-password?token=pwr_abc' });
    expect(mail.subject).toBe('Reset your Trendy Tickets password');
    expect(mail.text).toContain('https://tickets.example.com/console/reset-password?token=pwr_abc');
    expect(mail.text).toContain('The link works once, for 30 minutes.');
    expect(mail.html).toContain('href="https://tickets.example.com/console/reset-password?token=pwr_abc"');
  });

  it('never links a reset or verification URL that is not a web address', () => {
    for (const mail of [passwordResetMail({ url: 'javascript:alert(1)' }), emailVerificationMail({ url: 'javascript:alert(1)' })]) {
      expect(mail.html).not.toContain('href="javascript');
    }
  });

  it('tells an address without an account so, with no link that changes anything', () => {
    const mail = passwordResetUnknownMail({ signupUrl: 'https://tickets.example.com/console/signup' });
    expect(mail.text).toContain('no account uses it');
    expect(mail.text).not.toContain('token');
  });
});

describe('webhookEndpointDisabledMail', () => {
  const input = {
    url: 'https://example.com/tts/hooks',
    error: 'Answered 500; only a 2xx status counts as delivered.',
    failingSince: '2030-06-01T10:00:00Z',
    disabledAt: '2030-06-04T10:05:00Z',
    timezone: 'Asia/Kolkata',
    consoleUrl: 'https://tickets.example/console/developers/webhooks/we_1',
    testMode: false,
  };

  it('names the endpoint, the last error and links its console page in both parts', () => {
    const mail = webhookEndpointDisabledMail(input);
    expect(mail.subject).toBe('Webhook endpoint disabled: https://example.com/tts/hooks');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('live-mode webhook endpoint https://example.com/tts/hooks failed every delivery since');
      expect(part).toContain('Answered 500; only a 2xx status counts as delivered.');
    }
    expect(mail.text).toContain(input.consoleUrl);
    expect(mail.html).toContain(`<a href="${input.consoleUrl}"`);
  });

  it('escapes a hostile error and URL and keeps the subject on one line', () => {
    const mail = webhookEndpointDisabledMail({ ...input, url: `https://x.test/\r\nBcc: v@example.com${HOSTILE}`, error: HOSTILE });
    expectInert(mail.html);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});
