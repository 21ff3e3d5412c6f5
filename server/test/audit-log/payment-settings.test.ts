import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { startLiveRazorpay } from '../helpers/live-razorpay.js';

/** Where the money goes and the tax profile, in the audit log: last fours only, never a secret (docs/audit-log.md). */

type Live = Awaited<ReturnType<typeof startLiveRazorpay>>;
let live: Live;

beforeEach(async () => {
  live = await startLiveRazorpay({ env: { TTS_PLATFORM_COLLECTS: 'false' } });
});

afterEach(async () => {
  await live.close();
});

function razorpayKeys(name: string) {
  const keys = { keyId: `rzp_test_${name}0000000001`, keySecret: `key_secret_of_${name}_0123456789`, webhookSecret: `whsec_of_${name}_9876543210` };
  live.fake.addAccount(keys.keyId, keys.keySecret);
  return keys;
}

describe('the audit log of payment settings and the tax profile', () => {
  it('records connecting, replacing and disconnecting a Razorpay account with key ids and last fours, never the secrets', async () => {
    const { t } = live;
    const { sk, account } = await t.signUp();
    const log = async (action: AuditEntryDoc['action']) => (await t.services.auditLog.list(account.id as string, { action, limit: 100 })).data;
    const first = razorpayKeys('first');
    const second = razorpayKeys('second');
    const put = (keys: typeof first) =>
      t.call('PUT', '/v1/account/payment_settings', { key: sk, body: { gateway: 'razorpay', key_id: keys.keyId, key_secret: keys.keySecret, webhook_secret: keys.webhookSecret } });
    expect((await put(first)).status).toBe(200);
    // Entries are listed newest first: a second apart, so the order is not left to their ids.
    t.clock.advance(1000);
    expect((await put(second)).status).toBe(200);
    expect((await t.call('DELETE', '/v1/account/payment_settings', { key: sk })).status).toBe(200);
    expect((await t.call('DELETE', '/v1/account/payment_settings', { key: sk })).status).toBe(200);

    const connected = await log('payment_settings.connected');
    expect(connected).toHaveLength(2);
    expect(connected[0]).toMatchObject({
      actor: { type: 'api_key' },
      target: { type: 'payment_settings' },
      changes: { key_id: { before: first.keyId, after: second.keyId } },
    });
    expect(connected[1]?.changes).toMatchObject({
      gateway: { before: null, after: 'razorpay' },
      key_last4: { before: null, after: '6789' },
      webhook_last4: { before: null, after: '3210' },
    });
    const disconnected = await log('payment_settings.disconnected');
    expect(disconnected).toHaveLength(1);
    expect(disconnected[0]?.changes).toMatchObject({ key_id: { before: second.keyId, after: null } });

    const stored = JSON.stringify(await t.store.collection('audit_log').find({}));
    for (const secret of [first.keySecret, first.webhookSecret, second.keySecret, second.webhookSecret]) expect(stored).not.toContain(secret);
  });

  it('records a tax profile change with the fields that changed', async () => {
    const { t } = live;
    const { sk, account } = await t.signUp();
    const profile = { legal_name: 'Mumbai Music Company', address: '12 Marine Drive, Mumbai 400020', state: '27', gstin: null };
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: profile })).status).toBe(200);
    t.clock.advance(1000);
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: { ...profile, legal_name: 'Mumbai Music Company Pvt Ltd' } })).status).toBe(200);
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: { ...profile, legal_name: 'Mumbai Music Company Pvt Ltd' } })).status).toBe(200);
    const entries = (await t.services.auditLog.list(account.id as string, { action: 'tax_profile.updated', limit: 100 })).data;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      target: { type: 'tax_profile', id: account.id },
      changes: { legal_name: { before: 'Mumbai Music Company', after: 'Mumbai Music Company Pvt Ltd' } },
    });
    expect(Object.keys(entries[0]!.changes)).toEqual(['legal_name']);
    expect(entries[1]?.changes).toMatchObject({ state: { before: null, after: '27' } });
  });
});
