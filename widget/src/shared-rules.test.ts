import { formatRupees, PHONE_PATTERN, toPaise as sdkToPaise } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { PHONES, RUPEES_SHOWN, TYPED_RUPEES } from '../../sdk/test/rule-vectors.js';
import { i18n } from './i18n.js';
import { toPaise } from './steps/context.js';
import { checkBuyer } from './steps/details.js';

// The widget keeps small copies of the SDK's money and phone rules so its bundle stays free of
// the SDK; these are the SDK's own cases (sdk/test/rule-vectors.ts), so the copies cannot drift.
describe('the rules the widget shares with the API', () => {
  it.each(TYPED_RUPEES)('reads %j as %j paise, as the SDK and the server do', (typed, paise) => {
    expect(toPaise(typed)).toBe(paise);
    expect(toPaise(typed)).toBe(sdkToPaise(typed));
  });

  it.each(RUPEES_SHOWN)('shows %j paise as %j, as the server pages do', (paise, shown) => {
    expect(i18n('en').money(paise)).toBe(shown);
    expect(formatRupees(paise)).toBe(shown);
  });

  it.each(PHONES)('takes the phone %j only when the API does (%j)', (phone, accepted) => {
    const bad = checkBuyer({ name: 'Asha Rao', email: 'asha@example.com', phone, company: '', address: '', gstin: '' }, i18n('en'));
    expect(bad.phone === undefined).toBe(accepted);
    expect(PHONE_PATTERN.test(phone)).toBe(accepted);
  });
});
