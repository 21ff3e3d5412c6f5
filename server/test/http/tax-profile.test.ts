import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sk: string;
beforeEach(async () => {
  t = await buildTestApp();
  ({ sk } = await t.signUp());
});

const profile = { legal_name: 'Mumbai Music Company Private Limited', address: '12 Marine Drive\nMumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };

describe('/v1/account/tax_profile (happy)', () => {
  it('answers 404 until a profile is set, then the profile as stored', async () => {
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).status).toBe(404);
    const put = await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: profile });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ object: 'tax_profile', ...profile, updated_at: '2030-06-01T10:00:00.000Z' });
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).body).toEqual(put.body);
  });

  it('replaces the whole profile, and takes "not registered" as a null GSTIN', async () => {
    await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: profile });
    const put = await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: { ...profile, state: '29', gstin: null } });
    expect(put.body).toMatchObject({ state: '29', gstin: null });
    expect(await t.store.collection('tax_profiles').find({})).toHaveLength(1);
  });
});

describe('/v1/account/tax_profile (errors)', () => {
  it.each([
    ['a mistyped character', { gstin: '27AAPFU0939F1ZW' }, 'gstin', /check character/],
    ['a GSTIN of another state', { state: '29' }, 'gstin', /not the state code 29/],
    ['a GSTIN of the wrong shape', { gstin: '27AAPFU0939F1Z' }, 'gstin', /15 characters/],
    ['a state that is not a GST state code', { state: '25', gstin: null }, 'state', /GST state code/],
  ])('refuses %s, naming the field', async (_name, change, field, message) => {
    const res = await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: { ...profile, ...change } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ field, message: expect.stringMatching(message) }]);
  });
});

describe('/v1/account/tax_profile (security)', () => {
  it('takes only a secret key, and keeps each account to its own profile', async () => {
    const other = await t.signUp('Other');
    await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: profile });
    expect((await t.call('GET', '/v1/account/tax_profile', { key: other.sk })).status).toBe(404);
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: other.pk, body: profile })).status).toBe(403);
  });
});
