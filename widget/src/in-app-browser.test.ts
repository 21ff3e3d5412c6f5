import { describe, expect, it } from 'vitest';
import { isInAppBrowser, razorpayContact } from './in-app-browser.js';

describe('in-app browsers', () => {
  it('recognises Instagram, Facebook, Messenger and Android WebViews, and not ordinary browsers', () => {
    const inApp = [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 321.0.2.16.109 (iPhone14,5; iOS 17_4; en_IN)',
      'Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.109;]',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/441.0.0.37.109]',
    ];
    const browsers = [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    ];
    for (const ua of inApp) expect(isInAppBrowser(ua), ua).toBe(true);
    for (const ua of browsers) expect(isInAppBrowser(ua), ua).toBe(false);
  });

  it('gives Razorpay the phone as digits with the country code', () => {
    expect(razorpayContact('+91 98765 43210')).toBe('+919876543210');
    expect(razorpayContact('(080) 4567-8901')).toBe('08045678901');
    expect(razorpayContact(null)).toBe('');
  });
});
