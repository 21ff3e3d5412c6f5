import { describe, expect, it } from 'vitest';
import { addMember } from '../teams/helpers.js';
import { consoleWithOrganizer, fieldError, visibleText } from './helpers.js';

const PROFILE = { legal_name: 'Mumbai Music Company', address: '12 Marine Drive\nMumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };

describe('Settings → Tax profile', () => {
  it('shows an empty form with the GST states by name, linked from Settings → Payments', async () => {
    const { browser } = await consoleWithOrganizer();
    const payments = await browser.get('/console/settings/payments');
    expect(payments.text).toContain('href="/console/settings/tax"');
    const page = await browser.get('/console/settings/tax');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="_csrf"');
    expect(page.text).toContain('<option value="27">Maharashtra</option>');
    for (const field of ['legal_name', 'address', 'state', 'gstin', 'not_registered']) expect(page.text).toContain(`name="${field}"`);
  });

  it('saves a valid profile, says so, and the API returns it, with the change in the audit log', async () => {
    const { t, browser, sk, account } = await consoleWithOrganizer();
    await browser.get('/console/settings/tax');
    const saved = await browser.post('/console/settings/tax', PROFILE);
    expect(saved.status, saved.text.slice(0, 500)).toBe(303);
    const after = await browser.follow(saved);
    expect(visibleText(after.text)).toContain('Tax profile saved');
    expect(after.text).toContain('value="27AAPFU0939F1ZV"');

    const api = await t.call('GET', '/v1/account/tax_profile', { key: sk });
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ object: 'tax_profile', ...PROFILE });
    const entries = (await t.services.auditLog.list(account, { action: 'tax_profile.updated', limit: 10 })).data;
    expect(entries).toHaveLength(1);
  });

  it('saves "not registered" as no GSTIN, whatever was typed in the GSTIN field', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    await browser.get('/console/settings/tax');
    const saved = await browser.post('/console/settings/tax', { ...PROFILE, not_registered: 'on' });
    expect(saved.status).toBe(303);
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).body.gstin).toBeNull();
  });

  it('shows a GSTIN with a wrong check character as an error on its field, keeping what was typed', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    await browser.get('/console/settings/tax');
    const refused = await browser.post('/console/settings/tax', { ...PROFILE, gstin: '27AAPFU0939F1ZX' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'gstin')).toMatch(/check character/);
    expect(refused.text).toContain('value="27AAPFU0939F1ZX"');
    expect(refused.text).toContain('value="Mumbai Music Company"');
    expect(refused.text).toContain('12 Marine Drive\nMumbai 400020');
    expect(refused.text).toContain('<option value="27" selected="">Maharashtra</option>');
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).status).toBe(404);
  });

  it('shows a missing legal name and state under their fields, from the API’s own schema', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get('/console/settings/tax');
    const refused = await browser.post('/console/settings/tax', { ...PROFILE, legal_name: ' ', state: '' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, 'legal_name')).toBe('must not be empty');
    expect(fieldError(refused.text, 'state')).toBe('must be a GST state code');
  });

  it('refuses a save without the CSRF token, and takes the same form with it', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    await browser.get('/console/settings/tax');
    expect((await browser.post('/console/settings/tax', { ...PROFILE, _csrf: null })).status).toBe(403);
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).status).toBe(404);
    expect((await browser.post('/console/settings/tax', PROFILE)).status).toBe(303);
  });

  it('is neither shown nor usable for an admin, who may not manage payments', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    expect((await browser.get('/console/settings/tax')).status).toBe(200);
    const admin = await addMember(t, browser, 'admin');
    const refused = await admin.browser.get('/console/settings/tax');
    expect(refused.status).toBe(403);
    expect(visibleText(refused.text)).toContain('payments:manage');
    await admin.browser.get('/console');
    expect((await admin.browser.post('/console/settings/tax', PROFILE)).status).toBe(403);
    expect((await t.call('GET', '/v1/account/tax_profile', { key: sk })).status).toBe(404);
  });
});
