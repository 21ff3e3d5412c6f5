import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, otpauthUrl, totpCode, totpStep } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 key is the ASCII string "12345678901234567890", 8 digits.
const RFC_KEY = Buffer.from('12345678901234567890');
const RFC_SECRET = base32Encode(RFC_KEY);

describe('TOTP (RFC 6238)', () => {
  it('computes the RFC 4226 Appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });

  it('computes the RFC 6238 Appendix B SHA-1 values at each test time', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(totpCode(RFC_SECRET, totpStep(new Date(seconds * 1000)), 8), String(seconds)).toBe(code);
  });

  it('round-trips base32 as people type it', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString()).toBe('12345678901234567890');
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
    expect(() => base32Decode('not base32!')).toThrow(TypeError);
  });

  it('accepts a code one step either side of now and refuses one two steps off', () => {
    const now = new Date('2030-06-01T10:00:10.000Z');
    const step = totpStep(now);
    for (const offset of [-1, 0, 1]) expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + offset), now), String(offset)).toBe(step + offset);
    for (const offset of [-2, 2]) expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + offset), now), String(offset)).toBeNull();
  });

  it('refuses a code of a step already used, or of an earlier one', () => {
    const now = new Date('2030-06-01T10:00:10.000Z');
    const step = totpStep(now);
    const code = totpCode(RFC_SECRET, step);
    expect(matchTotp(RFC_SECRET, code, now, step - 1)).toBe(step);
    expect(matchTotp(RFC_SECRET, code, now, step)).toBeNull();
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 1), now, step)).toBeNull();
  });

  it('refuses anything that is not six digits', () => {
    const now = new Date('2030-06-01T10:00:10.000Z');
    for (const typed of ['', '12345', '1234567', 'abcdef', '12 34 5a']) expect(matchTotp(RFC_SECRET, typed, now), typed).toBeNull();
    const code = totpCode(RFC_SECRET, totpStep(now));
    expect(matchTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(totpStep(now));
  });

  it('builds the otpauth URL apps read from the QR code', () => {
    expect(otpauthUrl({ secret: 'JBSWY3DPEHPK3PXP', account: 'asha@example.com', issuer: 'Trendy Tickets' })).toBe(
      'otpauth://totp/Trendy%20Tickets:asha%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Trendy%20Tickets&algorithm=SHA1&digits=6&period=30',
    );
  });
});
