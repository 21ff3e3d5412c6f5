/**
 * Shared steps of the widget's browser tests: reading the emailed code from the running
 * server's captured mailbox, moving by keyboard, and the checks every page gets (no CSP
 * violation, nothing wider than the screen, text contrast).
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

// The callbacks given to `page.evaluate` run in the page, not in Node. The server's program has
// no DOM types, so the page globals they use are declared for this file alone.
declare const window: any;
declare const document: any;
declare const getComputedStyle: (el: any) => { color: string; backgroundColor: string };
declare const Node: { TEXT_NODE: number };
declare const ShadowRoot: new () => { host: unknown; querySelector(s: string): any };

/** The newest 6-digit code mailed to `email`, from `/dev/mailbox.json` (the mail worker sends within a second or so). */
export async function mailedCode(base: string, email: string, notAmong: string[] = []): Promise<string> {
  let code = '';
  await expect
    .poll(
      async () => {
        const mail = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as Array<{ to: string; subject: string; text: string }>;
        const found = mail.find((m) => m.to === email && /code/i.test(m.subject))?.text.match(/\b(\d{6})\b/)?.[1];
        code = found && !notAmong.includes(found) ? found : '';
        return code;
      },
      { timeout: 15_000, interval: 200 },
    )
    .not.toBe('');
  return code;
}

/** Collects Content-Security-Policy violations on every page the test opens; read with {@link cspViolations}. */
export async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e: any) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
}

export const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

/** What has keyboard focus, through shadow roots: its accessible name as a person would read it. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active) return '';
    const root = active.getRootNode();
    const labelled = active.id && root instanceof ShadowRoot ? root.querySelector(`label[for="${active.id}"]`) : null;
    return (active.getAttribute('aria-label') ?? (labelled ? labelled.textContent : null) ?? active.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}

/** Presses Tab until the control named `name` has focus; fails if it cannot be reached. */
export async function tabTo(page: Page, name: string | RegExp, { max = 40, shift = false } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const now = await focusedName(page);
    seen.push(now);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${String(name)}; focus went through: ${seen.join(' | ')}`);
}

/** Nothing on the page, or in the checkout, is wider than the screen. */
export async function expectNoOverflow(page: Page, where: string): Promise<void> {
  const widths = await page.evaluate(() => {
    const host = document.querySelector('tts-checkout');
    const panel = host?.shadowRoot?.querySelector('.panel');
    const dialog = host?.shadowRoot?.querySelector('dialog');
    const box = dialog?.open ? dialog.getBoundingClientRect() : null;
    return {
      viewport: window.innerWidth,
      page: document.documentElement.scrollWidth,
      panel: panel ? { scroll: panel.scrollWidth, client: panel.clientWidth } : null,
      dialog: box ? { left: box.left, right: box.right } : null,
    };
  });
  expect(widths.page, `${where}: page width`).toBeLessThanOrEqual(widths.viewport);
  if (widths.panel) expect(widths.panel.scroll, `${where}: checkout content width`).toBeLessThanOrEqual(widths.panel.client);
  if (widths.dialog) {
    expect(widths.dialog.left, `${where}: dialog left edge`).toBeGreaterThanOrEqual(0);
    expect(widths.dialog.right, `${where}: dialog right edge`).toBeLessThanOrEqual(widths.viewport);
  }
}

/**
 * WCAG contrast of the checkout's text against its own background, for every element in the
 * shadow root that shows text and is not disabled (disabled controls are exempt). Returns the
 * pairs under 4.5:1.
 */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r = 0, g = 0, b = 0]: number[]) => {
      const ch = (byte: number) => {
        const v = byte / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    /** The first opaque background behind the element, through shadow roots. */
    const background = (el: any): number[] => {
      for (let node = el; node; node = node.parentElement ?? node.getRootNode().host ?? null) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    const root = document.querySelector('tts-checkout')?.shadowRoot;
    for (const el of root?.querySelectorAll('*') ?? []) {
      const own = [...el.childNodes].some((n: any) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!own || el.closest('[aria-disabled="true"], :disabled') || el.closest('.sr')) continue;
      const fg = rgb(getComputedStyle(el).color);
      const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x) as [number, number];
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent?.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return bad;
  });
}
