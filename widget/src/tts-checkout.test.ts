import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TtsCheckout } from './tts-checkout.js';
import { $, API, button, mount, recordEvents, root, routeFetch, setup, text, until } from './test-support/harness.js';
import { buildTestApp } from '../../server/test/helpers/app.js';
import { registerMessages } from './i18n.js';
import { hi } from './locales/hi.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const dialog = (el: TtsCheckout) => $<HTMLDialogElement>(el, 'dialog');

describe('<tts-checkout> (the element)', () => {
  it('is a button that says "Buy tickets", or its label attribute, or the content slotted into it', async () => {
    const { el } = await setup();
    expect($(el, '[part="button"]').textContent?.trim()).toBe('Buy tickets');
    expect($(el, '[part="button"]').getAttribute('aria-haspopup')).toBe('dialog');
    el.setAttribute('label', 'Book now');
    await el.updateComplete;
    expect($(el, '[part="button"] slot').textContent?.trim()).toBe('Book now');
    // Slotted content replaces the fallback: the button renders a <slot> for it.
    expect(root(el).querySelector('[part="button"] slot')).not.toBeNull();
  });

  it('fires tts-ready with the public event once it has loaded it with the publishable key', async () => {
    const { el, org, events, route } = await setup();
    await until(() => expect(events.map((e) => e.type)).toContain('tts-ready'));
    const ready = events.find((e) => e.type === 'tts-ready')!;
    expect(ready.detail.event).toMatchObject({ id: org.event.id, object: 'public_event', name: 'Monsoon Jazz Night' });
    expect(route.calls).toEqual([`GET /v1/public/events/${org.event.id}`]);
    expect(el.hasAttribute('mode')).toBe(true);
  });

  it('opens a modal <dialog> with showModal, fires tts-open, and on close fires tts-close and gives focus back', async () => {
    const { el, events } = await setup();
    const trigger = $(el, '[part="button"]');
    trigger.focus();
    trigger.click();
    await until(() => expect(dialog(el).open).toBe(true));
    expect(events.map((e) => e.type)).toContain('tts-open');
    await until(() => expect(text(el)).toContain('Choose tickets'));
    expect(root(el).activeElement?.textContent).toBe('Choose tickets');
    el.close();
    await until(() => expect(events.map((e) => e.type)).toContain('tts-close'));
    expect(dialog(el).open).toBe(false);
    expect(root(el).activeElement).toBe(trigger);
  });

  it('can be opened before its first render, as the SDK loader does right after appending it', async () => {
    const t = await buildTestApp();
    const { organizerWithEvent } = await import('../../server/test/helpers/checkout.js');
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const el = document.createElement('tts-checkout');
    for (const [name, value] of Object.entries({
      event: org.event.id,
      key: org.pk,
      'api-base': API,
      'prefill-name': 'Asha Rao',
      'prefill-email': 'asha@example.com',
      'prefill-phone': '+91 98765 43210',
    })) {
      el.setAttribute(name, value);
    }
    document.body.append(el);
    await el.open();
    expect(dialog(el).open).toBe(true);
    await until(() => expect(text(el)).toContain('Choose tickets'));
    button(el, 'Continue').click();
    await until(() => expect($<HTMLInputElement>(el, '#name').value).toBe('Asha Rao'));
    expect($<HTMLInputElement>(el, '#email').value).toBe('asha@example.com');
    expect($<HTMLInputElement>(el, '#phone').value).toBe('+91 98765 43210');
  });

  it('asks with a cancelable tts-request-close when the buyer closes; preventDefault keeps it open', async () => {
    const { el, events } = await setup();
    await el.open();
    const keepOpen = (e: Event) => e.preventDefault();
    el.addEventListener('tts-request-close', keepOpen);
    $(el, '[part="close"]').click();
    await el.updateComplete;
    expect(dialog(el).open).toBe(true);
    const asked = events.filter((e) => e.type === 'tts-request-close');
    expect(asked.at(-1)?.detail).toEqual({ source: 'close-button' });
    expect(asked.at(-1)?.cancelable).toBe(true);
    el.removeEventListener('tts-request-close', keepOpen);
    // Esc: the dialog's own `cancel`, which the element turns into the same request.
    dialog(el).dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => expect(dialog(el).open).toBe(false));
    expect(events.filter((e) => e.type === 'tts-request-close').at(-1)?.detail).toEqual({ source: 'keyboard' });
  });

  it('fires every event bubbling and composed, so a page listener on document hears them all', async () => {
    const { el, events } = await setup();
    await el.open();
    el.close();
    await until(() => expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['tts-ready', 'tts-open', 'tts-close'])));
    for (const e of events) {
      expect(e.bubbles).toBe(true);
      expect(e.composed).toBe(true);
    }
  });

  it('in page mode renders the checkout inline, with no button, no dialog and no close', async () => {
    const { el } = await setup({ attrs: { mode: 'page' } });
    await until(() => expect(text(el)).toContain('Choose tickets'));
    expect(root(el).querySelector('dialog')).toBeNull();
    expect(root(el).querySelector('[part="button"]')).toBeNull();
    expect(root(el).querySelector('[part="close"]')).toBeNull();
    await el.open();
    expect(root(el).querySelector('dialog')).toBeNull();
  });

  it('speaks Hindi with locale="hi", with rupees and dates formatted for India', async () => {
    // The served file's words; the browser fetches them from /widget/v1/tts-checkout.hi.js (widget-route and e2e tests).
    registerMessages('hi', hi);
    const { el } = await setup({ attrs: { locale: 'hi', mode: 'page' } });
    await until(() => expect(text(el)).toContain('टिकट चुनें'));
    expect(text(el)).toContain('₹499.00');
    expect(text(el)).toContain('आगे बढ़ें');
    expect(text(el)).toContain('टेस्ट मोड');
    expect($(el, '[part="panel"]').getAttribute('lang')).toBe('hi');
  });

  it('exposes parts for theming and reads --tts-* custom properties', async () => {
    const { el } = await setup({ attrs: { mode: 'page' } });
    await until(() => expect(text(el)).toContain('Choose tickets'));
    for (const part of ['panel', 'header', 'body', 'primary', 'ticket-type']) expect(root(el).querySelector(`[part~="${part}"]`), part).not.toBeNull();
    const css = [...root(el).adoptedStyleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    for (const property of ['--tts-accent', '--tts-radius', '--tts-font', '--tts-text']) expect(css).toContain(property);
    expect(css).toContain('prefers-reduced-motion');
  });

  it('stops its clock when taken off the page', async () => {
    const set = vi.spyOn(globalThis, 'setInterval');
    const clear = vi.spyOn(globalThis, 'clearInterval');
    const t = await buildTestApp();
    routeFetch(t);
    const el = await mount({ event: 'evt_0000000000000000000000', key: 'pk_test_x', 'api-base': API });
    const timer = set.mock.results.at(-1)?.value;
    expect(timer).toBeDefined();
    el.remove();
    expect(clear).toHaveBeenCalledWith(timer);
  });

  it('names a broken embed (unknown key or event) in plain words, fires tts-error and tells the developer', async () => {
    const t = await buildTestApp();
    routeFetch(t);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const events = recordEvents();
    const el = await mount({ event: 'evt_0000000000000000000000', key: 'pk_test_nope', 'api-base': API, mode: 'page' });
    await until(() => expect(text(el)).toContain('Tickets cannot be sold here. Please tell the site owner.'));
    const error = events.find((e) => e.type === 'tts-error')!;
    expect(error.detail).toMatchObject({ code: 'UNAUTHENTICATED', request_id: expect.stringMatching(/^req_/) });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('<tts-checkout>'));
  });
});
