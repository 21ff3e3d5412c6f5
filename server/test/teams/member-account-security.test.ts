import { describe, expect, it } from 'vitest';
import { PASSWORD, signIn, visibleText } from '../console/helpers.js';
import { addMember, teamWithEvent } from './helpers.js';

const PAGE = '/console/account/security';

describe('account security for a team member', () => {
  it('changes the member’s own password, never the owner’s, and lists and ends only the member’s sessions', async () => {
    const { t, owner } = await teamWithEvent();
    const member = await addMember(t, owner.browser, 'door');

    const page = await member.browser.get(PAGE);
    expect(page.status, `${page.location}`).toBe(200);
    // The owner's password is not the member's "current password".
    const wrong = await member.browser.post(`${PAGE}/password`, { current_password: 'owner password guess', new_password: 'a brand new passphrase' });
    expect(wrong.status).toBe(403);
    const changed = await member.browser.post(`${PAGE}/password`, { current_password: PASSWORD, new_password: 'a brand new passphrase' });
    expect(changed.status, changed.text.slice(0, 300)).toBeLessThan(400);

    // The member now signs in with the new password; the owner still with theirs.
    await signIn(t, member.email, 'a brand new passphrase');
    await signIn(t, owner.email, PASSWORD);

    // "Sign out everywhere else" by the owner leaves the member's sessions alone.
    const ownerPage = await owner.browser.get(PAGE);
    expect(visibleText(ownerPage.text)).not.toContain(member.email);
    expect((await owner.browser.post(`${PAGE}/sessions/end-others`, {})).status).toBeLessThan(400);
    expect((await member.browser.get(PAGE)).status).toBe(200);
  });
});
