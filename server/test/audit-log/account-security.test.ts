import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { ownerMemberId } from '../../src/domain/members.js';
import { totpCode, totpStep } from '../../src/domain/totp.js';
import { ConsoleBrowser, consoleWithOrganizer, PASSWORD, signIn, visibleText } from '../console/helpers.js';
import { deliverMail } from '../helpers/checkout.js';

/** A person's own password, two-step sign-in and sessions in the audit log, never a secret (docs/audit-log.md). */

const PAGE = '/console/account/security';
const NEW_PASSWORD = 'a brand new passphrase';

async function organizer() {
  const org = await consoleWithOrganizer();
  const log = async (action: AuditEntryDoc['action']) => (await org.t.services.auditLog.list(org.account, { action, limit: 100 })).data;
  const me = { type: 'user', id: ownerMemberId(org.account), label: org.email };
  return { ...org, log, me };
}

describe('the audit log of account security', () => {
  it('records a password change and signing out everywhere else, naming the person and no password', async () => {
    const { t, browser, email, log, me } = await organizer();
    await signIn(t, email);
    await browser.get(PAGE);
    expect((await browser.post(`${PAGE}/password`, { current_password: PASSWORD, new_password: NEW_PASSWORD })).status).toBe(303);
    expect((await log('user.password_changed'))[0]).toMatchObject({ actor: me, target: { type: 'member', id: me.id } });

    await signIn(t, email, NEW_PASSWORD);
    await browser.get(PAGE);
    expect((await browser.post(`${PAGE}/sessions/end-others`, {})).status).toBe(303);
    expect((await log('session.ended_others'))[0]).toMatchObject({ actor: me, changes: { sessions: { before: 2, after: 1 } } });
    const stored = JSON.stringify(await t.store.collection('audit_log').find({}));
    for (const secret of [PASSWORD, NEW_PASSWORD]) expect(stored).not.toContain(secret);
  });

  it('records two-step sign-in turned on, a recovery code used to sign in, and turning it off', async () => {
    const { t, browser, email, log, me } = await organizer();
    await browser.get(PAGE);
    const started = await browser.post(`${PAGE}/two-factor/start`);
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.text)?.[1]?.replace(/ /g, '') ?? '';
    const confirmed = await browser.post(`${PAGE}/two-factor/confirm`, { code: totpCode(secret, totpStep(t.clock.now())) });
    const recoveryCodes = [...confirmed.text.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
    expect((await log('user.two_factor_enabled'))[0]).toMatchObject({ actor: me, changes: { two_factor: { before: false, after: true } } });

    const other = new ConsoleBrowser(t);
    await other.get('/console/login');
    await other.post('/console/login', { email, password: PASSWORD, next: '/console' });
    await other.get('/console/login/two-factor');
    expect((await other.post('/console/login/two-factor', { code: recoveryCodes[0]!, next: '/console' })).status).toBe(303);
    expect((await log('user.recovery_code_used'))[0]).toMatchObject({ actor: me, target: { type: 'member', id: me.id } });

    t.clock.advance(60_000);
    await browser.get(PAGE);
    const off = await browser.post(`${PAGE}/two-factor/disable`, { password: PASSWORD, code: totpCode(secret, totpStep(t.clock.now())) });
    expect(off.status, visibleText(off.text).slice(0, 300)).toBe(303);
    expect((await log('user.two_factor_disabled'))[0]).toMatchObject({ actor: me, changes: { two_factor: { before: true, after: false } } });
    const stored = JSON.stringify(await t.store.collection('audit_log').find({}));
    for (const code of recoveryCodes) expect(stored).not.toContain(code);
    expect(stored).not.toContain(secret);
  });

  it('records a completed password reset as the person whose password it was', async () => {
    const { t, email, log, me } = await organizer();
    const reset = new ConsoleBrowser(t);
    await reset.get('/console/forgot-password');
    await reset.post('/console/forgot-password', { email });
    const link = (await deliverMail(t)).map((m) => /\/console\/reset-password\?token=(pwr_[0-9A-Za-z]{43})/.exec(m.text)?.[1]).find(Boolean)!;
    await reset.get(`/console/reset-password?token=${link}`);
    expect((await reset.post('/console/reset-password', { token: link, password: NEW_PASSWORD })).status).toBe(303);
    const [entry] = await log('user.password_reset');
    expect(entry).toMatchObject({ actor: me, target: { type: 'member', id: me.id }, livemode: null });
    expect(JSON.stringify(entry)).not.toContain(link);
  });
});
