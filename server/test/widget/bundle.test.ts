import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WIDGET_DIST } from '../../src/http/routes/widget.js';

/** The budget for the whole checkout, min+gzip (docs/operations.md#performance-budgets). */
const BUDGET_BYTES = 16 * 1024;
/** A secret key: `sk_test_` or `sk_live_` followed by key characters. */
const SECRET_KEY = /sk_(test|live)_[0-9A-Za-z]/;

/** Every JavaScript file global-setup.ts built into widget/dist for this run. */
async function bundles(): Promise<Array<{ file: string; code: string }>> {
  const files = (await readdir(WIDGET_DIST)).filter((f) => /\.(m?js)$/.test(f));
  return Promise.all(files.map(async (file) => ({ file, code: await readFile(join(WIDGET_DIST, file), 'utf8') })));
}

describe('the built widget', () => {
  it('fits the script-tag bundle in 16 KB min+gzip and says how big it is', async () => {
    const code = await readFile(join(WIDGET_DIST, 'tts-checkout.js'));
    const gzip = gzipSync(code, { level: 9 }).length;
    const br = brotliCompressSync(code).length;
    const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
    console.info(
      `widget/dist/tts-checkout.js: ${kb(code.length)} minified, ${kb(gzip)} gzip, ${kb(br)} brotli; budget ${kb(BUDGET_BYTES)} gzip (${Math.round((gzip / BUDGET_BYTES) * 100)}%)`,
    );
    expect(gzip, `tts-checkout.js is ${kb(gzip)} min+gzip, over the ${kb(BUDGET_BYTES)} budget`).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('is minified: one IIFE that registers <tts-checkout> and defines no global of its own', async () => {
    const code = await readFile(join(WIDGET_DIST, 'tts-checkout.js'), 'utf8');
    expect(code.startsWith('!function(){')).toBe(true);
    expect(code.split('\n').length).toBeLessThanOrEqual(2);
    expect(code).toContain('customElements.define("tts-checkout"');
    expect(code).not.toMatch(/^(var|let|const) /m);
  });

  it('contains no secret key in any bundle', async () => {
    const all = await bundles();
    expect(all.map((b) => b.file).sort()).toEqual(
      expect.arrayContaining([
        'index.js',
        'tts-checkout.js',
        'tts-checkout.mjs',
        'tts-checkout.extras.js',
        'tts-checkout.attendees.js',
        'tts-checkout.waitlist.js',
        'tts-checkout.options.js',
        'tts-checkout.razorpay.js',
      ]),
    );
    for (const { file, code } of all) expect(code, file).not.toMatch(SECRET_KEY);
  });

  it('needs no eval: no eval(), no new Function, no string timers, so a strict CSP runs it', async () => {
    for (const { file, code } of await bundles()) {
      expect(code, file).not.toMatch(/\beval\s*\(/);
      expect(code, file).not.toMatch(/\bnew\s+Function\s*\(/);
      expect(code, file).not.toMatch(/\bset(Timeout|Interval)\s*\(\s*["'`]/);
    }
  });

  it('loads Razorpay Checkout only from its official address, from the part fetched on a live Pay press', async () => {
    const razorpay = await readFile(join(WIDGET_DIST, 'tts-checkout.razorpay.js'), 'utf8');
    expect(razorpay.match(/https:\/\/[a-z.]*razorpay\.com[^"'`]*/g)).toEqual(['https://checkout.razorpay.com/v1/checkout.js']);
    const main = await readFile(join(WIDGET_DIST, 'tts-checkout.js'), 'utf8');
    expect(main).not.toMatch(/razorpay\.com/);
  });

  it('keeps the parts fetched only when needed small, and says how big they are', async () => {
    for (const [file, budget] of [
      ['tts-checkout.options.js', 1024],
      ['tts-checkout.razorpay.js', 2 * 1024],
      ['tts-checkout.extras.js', 4 * 1024],
      ['tts-checkout.attendees.js', 3 * 1024],
      ['tts-checkout.waitlist.js', 3.5 * 1024],
    ] as const) {
      const gzip = gzipSync(await readFile(join(WIDGET_DIST, file)), { level: 9 }).length;
      console.info(`widget/dist/${file}: ${(gzip / 1024).toFixed(2)} KB gzip`);
      expect(gzip, file).toBeLessThanOrEqual(budget);
    }
  });

  it('renders the extras, the attendee part and the waiting-list part with the Lit of the bundle that fetched them: none carries a copy of its own', async () => {
    // `_$litType$` marks every template Lit's `html` makes: each bundle with Lit in it has the name, a file without Lit does not.
    for (const file of ['tts-checkout.extras.js', 'tts-checkout.attendees.js', 'tts-checkout.waitlist.js']) {
      const part = await readFile(join(WIDGET_DIST, file), 'utf8');
      expect(part, file).not.toContain('_$litType$');
      expect(part, file).not.toMatch(/lit-html|litHtmlVersions/);
      expect(part, file).toMatch(/^export\s*\{|[;}]export\s*\{/);
    }
    for (const main of ['tts-checkout.js', 'tts-checkout.mjs']) expect(await readFile(join(WIDGET_DIST, main), 'utf8'), main).toContain('_$litType$');
  });
});
