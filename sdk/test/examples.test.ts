import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type ServerProcess } from '../../server/test/helpers/server-process.js';
// @ts-expect-error — a plain-JS example (checked with // @ts-check), imported as partners would run it.
import { createPartnerServer } from '../../examples/own-payment/server.mjs';
import { TrendyTickets } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let server: ServerProcess;
let dataDir: string;

/** Runs a script with Node the way the tests' own code runs: the SDK from source, through tsx. */
function runNode(args: string[], env: Record<string, string>, { until }: { until?: string } = {}) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    if (until) child.stdout.on('data', () => output.includes(until) && resolve());
    void exited.then((code) => (until ? reject(new Error(`exited ${code} before "${until}":\n${output}`)) : resolve()));
  });
  return { child, exited, ready, output: () => output };
}

async function mailTo(email: string): Promise<Array<{ to: string; subject: string }>> {
  for (let i = 0; i < 60; i += 1) {
    const messages = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; subject: string }>;
    const mine = messages.filter((m) => m.to === email);
    if (mine.length > 0) return mine;
    await new Promise((resolve) => setTimeout(resolve, 250)); // the server's mail worker runs on its own schedule
  }
  return [];
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-sdk-examples-'));
  server = await startServer({ TTS_DATA_DIR: dataDir });
});

afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('examples/node-integration', () => {
  it('creates an event, prints the embed snippet, buys in test mode, lists attendees and checks one in', async () => {
    const run = runNode(['examples/node-integration/index.mjs'], { TTS_BASE_URL: server.url });
    expect(await run.exited, run.output()).toBe(0);
    const out = run.output();
    expect(out).toMatch(/Event Token: evt_\w+/);
    expect(out).toContain(`<script src="${server.url}/widget/v1/tts-checkout.js" async></script>`);
    expect(out).toMatch(/<tts-checkout event="evt_\w+" key="pk_test_\w+"><\/tts-checkout>/);
    expect(out).toMatch(/Order paid: 2 tickets, e\.g\. http:\/\/\S+\/tickets\/tkt_\w+/);
    expect(out.match(/^Attendee: Asha Rao/gm)).toHaveLength(2);
    expect(out).toContain('Gate 1: accepted');
    expect(out).toContain('Gate 2: rejected (already_checked_in, first scanned by Gate 1)');
    expect(out).toContain('Sold 2, checked in 1, revenue ₹1998');
  });
});

describe('examples/own-payment', () => {
  it('takes payment itself, issues tickets once per checkout and mails them', async () => {
    const created = await TrendyTickets.createAccount(
      { email: `shop-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Partner Shop' },
      { baseUrl: server.url },
    );
    const tts = new TrendyTickets({ apiKey: created.secret_key, baseUrl: server.url });
    const start = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const event = await tts.events.create({
      name: 'Wedding Reception',
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 5 * 3600 * 1000).toISOString(),
      capacity: 50,
      ticket_types: [{ name: 'Guest', price: 150_000 }],
    });
    const partner = createPartnerServer({ tts, eventId: event.id });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const shop = `http://127.0.0.1:${partner.address().port}`;
    try {
      const form = await fetch(`${shop}/`);
      expect(await form.text()).toContain('Wedding Reception');

      const buy = () =>
        fetch(`${shop}/buy`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'Kabir Shah', email: 'kabir@example.com', quantity: 2, checkout_id: 'checkout-1' }),
        });
      const first = await buy();
      expect(first.status).toBe(201);
      const bought = (await first.json()) as { payment_id: string; tickets: Array<{ id: string; url: string }> };
      expect(bought.tickets).toHaveLength(2);
      const again = (await (await buy()).json()) as typeof bought;
      expect(again).toEqual(bought);

      const attendees = await tts.events.attendees(event.id).toArray();
      expect(attendees.map((t) => t.id).sort()).toEqual(bought.tickets.map((t) => t.id).sort());
      expect((await tts.orders.retrieve(attendees[0]!.order)).payment?.gateway).toBe('external');
      expect((await mailTo('kabir@example.com')).length).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => partner.close(resolve));
    }
  });

  it('runs as a script with TTS_API_KEY, TTS_BASE_URL and TTS_EVENT from the environment', async () => {
    const created = await TrendyTickets.createAccount({ email: `shop2-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Shop Two' }, { baseUrl: server.url });
    const tts = new TrendyTickets({ apiKey: created.secret_key, baseUrl: server.url });
    const start = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const event = await tts.events.create({
      name: 'Book Launch',
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 3600e3).toISOString(),
      capacity: 20,
      ticket_types: [{ name: 'Seat', price: 20_000 }],
    });
    const port = await freePort();
    const run = runNode(
      ['examples/own-payment/server.mjs'],
      { TTS_API_KEY: created.secret_key, TTS_BASE_URL: server.url, TTS_EVENT: event.id, PORT: String(port) },
      { until: 'Partner shop on' },
    );
    try {
      await run.ready;
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Book Launch');
    } finally {
      run.child.kill();
      await run.exited;
    }
  });
});
