import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import type { Services } from './services.js';
import type { Store } from './store/port.js';

export interface DemoSetup {
  email: string;
  password: string;
  secretKey: string;
  publishableKey: string;
  eventId: string;
}

export const DEMO_EMAIL = 'demo@trendy-tickets.test';
export const DEMO_PASSWORD = 'demo-password-2026';
const DEMO_FILE = 'demo.json';

/**
 * On a fresh development install, creates a demo organizer with a published
 * test-mode event, so a newcomer can buy a ticket at once. Keys are shown only
 * at creation, so the demo's are kept in the data dir to print on every start.
 * Never runs in production, and never when the store already has accounts.
 */
export async function ensureDemo({ config, store, services }: { config: Readonly<Config>; store: Store; services: Services }): Promise<DemoSetup | null> {
  if (config.env === 'production') return null;
  const file = join(config.dataDir, DEMO_FILE);
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as DemoSetup;
    // Trust the saved keys only while the store still has the demo (it may have been wiped).
    if (await services.events.findById(saved.eventId)) return saved;
  } catch {
    // No demo yet: create one below, if this is a fresh store.
  }
  if ((await store.collection('accounts').count({})) > 0) return null;

  const { account, secretKey, publishableKey } = await services.accounts.signUp({ email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo Organizer' });
  const owner = { account: account._id, livemode: false };
  const now = Date.now();
  const day = 24 * 60 * 60_000;
  // Two months out, 7:30 pm India time, so the demo stays on sale for a while.
  const starts = new Date(Math.ceil((now + 60 * day) / day) * day + 14 * 60 * 60_000);
  const event = await services.events.create(owner, {
    name: 'Monsoon Jazz Night',
    description: 'An evening of Indo-jazz by the sea. This is a demo event in test mode: no real money moves.',
    venue: 'NCPA, Nariman Point, Mumbai',
    starts_at: starts,
    ends_at: new Date(starts.getTime() + 4 * 60 * 60_000),
    timezone: 'Asia/Kolkata',
    capacity: 300,
    ticket_types: [
      { name: 'General admission', price: 99_900, max_per_order: 6 },
      { name: 'Front rows', price: 249_900, capacity: 40, max_per_order: 4 },
    ],
    allowed_origins: [],
  });
  const demo: DemoSetup = { email: DEMO_EMAIL, password: DEMO_PASSWORD, secretKey, publishableKey, eventId: event._id };
  await writeFile(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return demo;
}
