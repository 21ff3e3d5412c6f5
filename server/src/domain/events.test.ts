import { describe, expect, it } from 'vitest';
import { assertCanSellFrom, canSellFrom } from './events.js';

const SHOP = 'https://shop.example.com';

describe('canSellFrom: which web pages may sell an event', () => {
  it('lets servers and our own pages (no origin) sell any event, test or live', () => {
    expect(canSellFrom({ allowed_origins: [], livemode: true }, undefined)).toBe(true);
    expect(canSellFrom({ allowed_origins: [SHOP], livemode: false }, undefined)).toBe(true);
  });

  it("lets a page sell when its origin is one of the event's allowed origins", () => {
    expect(canSellFrom({ allowed_origins: [SHOP], livemode: true }, SHOP)).toBe(true);
    expect(canSellFrom({ allowed_origins: [SHOP], livemode: false }, 'https://other.example.com')).toBe(false);
  });

  it('lets any page sell a test event with no allowed origins, and none a live one', () => {
    expect(canSellFrom({ allowed_origins: [], livemode: false }, SHOP)).toBe(true);
    expect(canSellFrom({ allowed_origins: [], livemode: true }, SHOP)).toBe(false);
  });

  it('refuses with FORBIDDEN, naming the origin and the allowed ones', () => {
    expect(() => assertCanSellFrom({ allowed_origins: [SHOP], livemode: true }, 'https://evil.example')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', details: { origin: 'https://evil.example', allowed_origins: [SHOP] } }),
    );
  });
});
