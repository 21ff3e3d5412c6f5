/**
 * Cases for the rules that exist both in the SDK (which the server uses) and, to keep the
 * widget's bundle free of the SDK, as small copies in the widget: typed rupees, rupees shown,
 * phone numbers. The SDK's tests and the widget's run these same cases, so the copies cannot
 * drift apart unnoticed.
 */

/** Rupees as typed, and the paise they mean (null: not an amount). */
export const TYPED_RUPEES: ReadonlyArray<readonly [typed: string, paise: number | null]> = [
  ['500', 50_000],
  ['0', 0],
  ['1,499.50', 149_950],
  ['1,499.5', 149_950],
  ['₹ 999', 99_900],
  [' 12 ', 1_200],
  ['0.05', 5],
  ['1,00,000', 10_000_000],
  ['999999999', 99_999_999_900],
  ['1000000000', null],
  ['499.999', null],
  ['-5', null],
  ['5.', null],
  ['.5', null],
  ['1e3', null],
  ['abc', null],
  ['', null],
];

/** Paise, and how they are shown with the rupee sign. */
export const RUPEES_SHOWN: ReadonlyArray<readonly [paise: number, shown: string]> = [
  [0, '₹0.00'],
  [5, '₹0.05'],
  [49_950, '₹499.50'],
  [149_900, '₹1,499.00'],
  [10_000_000, '₹1,00,000.00'],
  [1_234_567_89, '₹12,34,567.89'],
];

/** Phone numbers as typed (trimmed), and whether the API takes them. */
export const PHONES: ReadonlyArray<readonly [typed: string, accepted: boolean]> = [
  ['+91 98765 43210', true],
  ['9876543210', true],
  ['080 2345-6789', true],
  ['(080) 2345-6789', false],
  ['1234567', true],
  ['123456', false],
  ['+', false],
  ['+91 98765 43210 12345 6', false],
  ['98765 abc', false],
  ['-9876543210', false],
];
