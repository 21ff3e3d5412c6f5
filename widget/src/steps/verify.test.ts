import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverMail, readCode } from '../../../server/test/helpers/checkout.js';
import { $, button, enterCode, root, setup, text, toVerify, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

describe('verify step', () => {
  it('says a wrong code is wrong, with the tries left, and takes the right one next', async () => {
    const { el, t, events } = await setup();
    const { code } = await toVerify(el, t);
    expect(text(el)).toContain('Tries left: 5');
    expect(root(el).activeElement?.id).toBe('code');
    const right = await code();
    await enterCode(el, wrong(right));
    await until(() => expect(text(el)).toContain('That code is not right.'));
    expect(text(el)).toContain('Tries left: 4');
    expect($<HTMLInputElement>(el, '#code').value).toBe('');
    expect(events.find((e) => e.type === 'tts-error')?.detail).toMatchObject({ code: 'OTP_INVALID', request_id: expect.stringMatching(/^req_/) });
    await enterCode(el, right);
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('takes a pasted code with spaces or words around it, and sends it at the sixth digit', async () => {
    const { el, t, route } = await setup();
    const { code } = await toVerify(el, t);
    const right = await code();
    await enterCode(el, `Your code: ${right.slice(0, 3)} ${right.slice(3)}`);
    expect($<HTMLInputElement>(el, '#code').value).toBe(right);
    await until(() => expect(text(el)).toContain('Fail the payment'));
    expect(route.calls.filter((c) => c.endsWith('/verify'))).toHaveLength(1);
  });

  it('locks the code after five wrong tries: the field is off, nothing more is sent, and a new code is offered at once', async () => {
    const { el, t, route } = await setup();
    const { buyer, code } = await toVerify(el, t);
    expect(button(el, /New code in 0:30/).getAttribute('aria-disabled')).toBe('true');
    const right = await code();
    for (let i = 0; i < 5; i += 1) {
      await enterCode(el, wrong(right));
      await until(() => expect(el.shadowRoot!.querySelector('[aria-busy="true"]')).toBeNull());
      await until(() => expect(text(el)).toMatch(/not right|Too many/));
    }
    expect(text(el)).toContain('Too many wrong codes. Ask for a new one.');
    expect(text(el)).toContain('Tries left: 0');
    const field = $<HTMLInputElement>(el, '#code');
    expect(field.disabled).toBe(true);
    // Even the right code would be refused now: the checkout does not send it.
    const sent = route.calls.filter((c) => c.endsWith('/verify')).length;
    await enterCode(el, right);
    expect(route.calls.filter((c) => c.endsWith('/verify'))).toHaveLength(sent);
    // No cooldown to sit out: the one way on is offered now, and has focus.
    const resend = button(el, 'Send a new code');
    expect(resend.getAttribute('aria-disabled')).toBe('false');
    await until(() => expect(root(el).activeElement?.id).toBe('resend'));
    resend.click();
    await until(() => expect(text(el)).toContain('Tries left: 5'));
    expect(el.shadowRoot!.querySelector('[role="status"]')?.textContent).toBe(`Enter the 6-digit code we sent to ${buyer.email}.`);
    expect($<HTMLInputElement>(el, '#code').disabled).toBe(false);
    expect(button(el, /New code in/).getAttribute('aria-disabled')).toBe('true');
    await enterCode(el, await readCode(t, buyer.email));
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('explains an expired code and takes a fresh one', async () => {
    const { el, t } = await setup();
    const { buyer, code } = await toVerify(el, t);
    const old = await code();
    t.clock.advance(11 * 60_000); // codes last 10 minutes, holds 15
    await enterCode(el, old);
    await until(() => expect(text(el)).toContain('That code has expired. Ask for a new one.'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    button(el, /Send a new code|New code in/).click();
    await until(() => expect(el.shadowRoot!.querySelector('[role="status"]')?.textContent).toBe(`Enter the 6-digit code we sent to ${buyer.email}.`));
    const fresh = await readCode(t, buyer.email);
    expect(fresh).not.toBe(old);
    await enterCode(el, fresh);
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('mails no second code when the answer to "Send a new code" was lost and the buyer tries again', async () => {
    const { el, t, route } = await setup();
    const { buyer, code } = await toVerify(el, t);
    const first = await code();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    route.drop(/\/resend-code$/);
    button(el, /Send a new code|New code in/).click();
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    button(el, 'Try again').click();
    await until(() => expect(el.shadowRoot!.querySelector('[role="status"]')?.textContent).toBe(`Enter the 6-digit code we sent to ${buyer.email}.`));
    expect(route.calls.filter((c) => c.endsWith('/resend-code'))).toHaveLength(2);
    // The first code and the one new code: the code in the buyer's inbox is the one that works.
    expect((await deliverMail(t)).filter((m) => m.to === buyer.email)).toHaveLength(2);
    const fresh = await readCode(t, buyer.email);
    expect(fresh).not.toBe(first);
    await enterCode(el, fresh);
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('says the seats were released when the hold lapsed on the server, and starts again', async () => {
    const { el, t, events } = await setup();
    const { code } = await toVerify(el, t);
    const right = await code();
    t.clock.advance(16 * 60_000);
    await enterCode(el, right);
    await until(() => expect(text(el)).toContain('Time ran out and your seats were released. You were not charged.'));
    expect(events.find((e) => e.type === 'tts-error')?.detail.code).toBe('HOLD_EXPIRED');
    button(el, 'Start again').click();
    await until(() => expect(text(el)).toContain('Choose tickets'));
  });

  it('counts the hold down and ends it in the browser when time runs out', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { el, t, events } = await setup();
    await toVerify(el, t);
    expect(text(el)).toContain('Seats held for 15:00');
    vi.advanceTimersByTime(60_000);
    await el.updateComplete;
    // The display ticks once a second, so it may show the second before.
    expect($(el, '[role="timer"]').textContent).toMatch(/Seats held for 14:0[01]/);
    vi.advanceTimersByTime(14 * 60_000 + 1000);
    await el.updateComplete;
    expect(text(el)).toContain('Time ran out and your seats were released.');
    expect(events.at(-1)?.detail).toEqual({ code: 'HOLD_EXPIRED', message: 'The hold on the seats ran out before payment.', request_id: null });
  });
});
