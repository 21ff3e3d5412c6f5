/**
 * GSTIN, the 15-character GST identification number: two digits of state code, the holder's
 * ten-character PAN, one character numbering the holder's registrations in that state, `Z`,
 * and a check character. The check character is the GST Network's mod-36 checksum over the
 * first fourteen (see docs/gst.md), so a mistyped character is caught before it reaches an
 * invoice.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/**
 * The check character for the first fourteen characters of a GSTIN: each character's value
 * (0–9, A=10 … Z=35) times 1 or 2 alternately from the left, each product's base-36 digits
 * added, and the check is what brings the sum to a multiple of 36.
 *
 * @example
 * gstinCheckCharacter('27AAPFU0939F1Z'); // 'V'
 */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = ALPHABET.indexOf(first14[i] ?? '') * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET[(36 - (sum % 36)) % 36] as string;
}

/** Why a GSTIN was refused, or null when it is well formed with a matching check character. */
export type GstinProblem = 'length' | 'format' | 'checksum';

/**
 * Checks a GSTIN's length, shape and check character (it does not ask the GST portal whether
 * it is registered). Letters must be capitals, as the portal issues them.
 *
 * @example
 * gstinProblem('27AAPFU0939F1ZV'); // null
 * gstinProblem('27AAPFU0939F1ZW'); // 'checksum'
 */
export function gstinProblem(gstin: string): GstinProblem | null {
  if (gstin.length !== 15) return 'length';
  if (!SHAPE.test(gstin)) return 'format';
  return gstinCheckCharacter(gstin.slice(0, 14)) === gstin[14] ? null : 'checksum';
}
